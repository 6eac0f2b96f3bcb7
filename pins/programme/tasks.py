from celery import shared_task

from pins.programme.retention import personal_data_retire


@shared_task
def apply_retention() -> str:
    """Daily: what is past the retention period goes; a second run the same day finds nothing to do."""
    return str(personal_data_retire())
