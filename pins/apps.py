from django.apps import AppConfig


class PinsConfig(AppConfig):
    """The project: settings, URLs, the Celery app and the checks `manage.py check --deploy` runs."""

    name = "pins"
    verbose_name = "PINS programme"

    def ready(self):
        from pins import checks  # noqa: F401 - registers the deploy checks
