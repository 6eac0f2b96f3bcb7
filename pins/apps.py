from django.apps import AppConfig


class PinsConfig(AppConfig):
    name = "pins"
    verbose_name = "PINS programme"

    def ready(self):
        from pins import (
            checks,  # noqa: F401 - registers the deploy checks
            mfa,  # noqa: F401 - setting up an authenticator passes the second factor
            sessions,  # noqa: F401 - records when each session signed in
        )
