import base64
import functools
import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.utils import is_mfa_enabled
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Accounts are created by invitation only.
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # Someone who has just signed in and is sent to set up their first authenticator is not asked for
        # their password again; changing or removing an authenticator later still asks.
        request = self.request
        if app == "allauth.mfa" and request is not None and not is_mfa_enabled(request.user):
            records = get_authentication_records(request, request.user)
            if records and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # The failed sign-in limit on an account counts each client address apart, so a stranger guessing a
        # password locks out only their own address, not the account's owner (the per-address limit and MFA
        # stand against guessing from many addresses). allauth has no setting for this; a test holds it.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{self.get_client_ip(request)}"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        # An identity provider signs in people who already have an account; it never creates one.
        return False


class MfaAdapter(DefaultMFAAdapter):
    """Authenticator-app secrets and recovery-code seeds are stored encrypted with MFA_ENCRYPTION_KEY, so a copy
    of the database (a backup, a leaked dump) does not give anyone the second factor."""

    def encrypt(self, text: str) -> str:
        return _mfa_cipher(settings.MFA_ENCRYPTION_KEY).encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        # A plain secret written into the database directly is refused (InvalidToken), never used.
        return _mfa_cipher(settings.MFA_ENCRYPTION_KEY).decrypt(encrypted_text.encode()).decode()


@functools.cache
def _mfa_cipher(key: str) -> Fernet:
    # Fernet (AES with an HMAC) wants 32 random bytes; HKDF turns any long secret from the environment into them.
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"pins-mfa-secrets").derive(key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))
