from django.apps import AppConfig


class KernelConfig(AppConfig):
    """What every app builds on and which imports none of them: errors, units, GOV.UK forms, CSV reading, mail."""

    name = "pins.kernel"
    label = "kernel"
    verbose_name = "Shared kernel"
