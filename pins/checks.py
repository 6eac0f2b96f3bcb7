from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def mfa_is_required(app_configs, **kwargs):
    if settings.DEBUG or settings.MFA_REQUIRED:
        return []
    return [
        Warning(
            "MFA_REQUIRED is off: staff and ICB coordinators reach data without two-factor authentication.",
            hint="Unset MFA_REQUIRED (it defaults to on). Only the local demo turns it off.",
            id="pins.W001",
        )
    ]
