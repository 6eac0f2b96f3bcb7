from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People who sign in, their staff roles, invitations, the record of access, and what each may see and do."""

    name = "pins.accounts"
    label = "accounts"
    verbose_name = "Accounts and access"

    def ready(self):
        from pins.accounts import (
            mfa,  # noqa: F401 - setting up an authenticator passes the second factor
            sessions,  # noqa: F401 - records when each session signed in
        )
