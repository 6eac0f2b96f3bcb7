"""The schools context's background work."""

from celery import shared_task


@shared_task
def fold_progress_changes() -> None:
    """Every few minutes: fold the progress trigger's rows into one per ICB and year."""
    from schools.services import progress_changes_fold

    progress_changes_fold()
