from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    """Operations on the whole programme that change every app's rows at once: ICB mergers."""

    name = "pins.programme"
    label = "programme"
    verbose_name = "Programme operations"
