from django.apps import AppConfig


class PinsConfig(AppConfig):
    name = "pins"
    verbose_name = "PINS programme"

    def ready(self):
        from pins import checks  # noqa: F401 - registers the deploy checks
