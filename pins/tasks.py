from celery import shared_task


@shared_task(ignore_result=False)
def ping() -> str:
    """Operational check: a worker took a task from the broker and ran it."""
    return "pong"
