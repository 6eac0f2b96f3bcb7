"""Whether this session has passed a second factor: what the MFA requirement checks, rather than whether the
person owns an authenticator (a session can be signed in with a password alone)."""

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.conf import settings
from django.dispatch import receiver


def second_factor_passed(request) -> bool:
    records = get_authentication_records(request, request.user)
    # allauth records {"method": "mfa", ...} once it accepts a security code, at sign-in or when asked again.
    if any(record.get("method") == "mfa" for record in records):
        return True
    # An identity provider that enforces MFA itself (DfE Sign-in, NHS identity) satisfies the requirement.
    trusted = {provider["id"] for provider in settings.OIDC_PROVIDERS if provider.get("enforces_mfa")}
    return any(record.get("method") == "socialaccount" and record.get("provider") in trusted for record in records)


@receiver(authenticator_added)
def _setting_up_an_authenticator_passes_it(sender, request, user, authenticator, **kwargs):
    # Setting up an authenticator app takes a code from it, so this session has just proved the second factor.
    if authenticator.type == Authenticator.Type.TOTP:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True)
