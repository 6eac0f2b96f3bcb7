from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The national demo and its commands; installed only when the demo runs (settings.PINS_DEMO)."""

    name = "pins.demo"
    label = "demo"
    verbose_name = "Demo data"
