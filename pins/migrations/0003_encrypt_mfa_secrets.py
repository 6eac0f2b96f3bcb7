"""Authenticator-app secrets and recovery-code seeds set up before they were encrypted are encrypted now."""

from cryptography.fernet import InvalidToken
from django.db import migrations

from pins.adapters import MfaAdapter

# Where allauth keeps the secret of each kind of authenticator.
SECRET_FIELDS = {"totp": "secret", "recovery_codes": "seed"}


def _stored_plain(adapter, value: str) -> bool:
    try:
        adapter.decrypt(value)
    except InvalidToken:
        return True
    return False


def encrypt_plain_secrets(apps, schema_editor):
    Authenticator = apps.get_model("mfa", "Authenticator")
    adapter = MfaAdapter()
    for authenticator in Authenticator.objects.filter(type__in=SECRET_FIELDS):
        data = authenticator.data
        field = SECRET_FIELDS[authenticator.type]
        if field in data and _stored_plain(adapter, data[field]):
            data[field] = adapter.encrypt(data[field])
        if "migrated_codes" in data:
            data["migrated_codes"] = [
                adapter.encrypt(code) if _stored_plain(adapter, code) else code for code in data["migrated_codes"]
            ]
        authenticator.save(update_fields=["data"])


def decrypt_secrets(apps, schema_editor):
    Authenticator = apps.get_model("mfa", "Authenticator")
    adapter = MfaAdapter()
    for authenticator in Authenticator.objects.filter(type__in=SECRET_FIELDS):
        data = authenticator.data
        field = SECRET_FIELDS[authenticator.type]
        if field in data and not _stored_plain(adapter, data[field]):
            data[field] = adapter.decrypt(data[field])
        if "migrated_codes" in data:
            data["migrated_codes"] = [
                code if _stored_plain(adapter, code) else adapter.decrypt(code) for code in data["migrated_codes"]
            ]
        authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("pins", "0002_invitations_and_access_events"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_plain_secrets, decrypt_secrets)]
