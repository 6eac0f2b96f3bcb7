"""The service's own system checks."""

from tests.pins.test_settings import PRODUCTION_LIKE, _manage


def test_check_deploy_warns_when_mfa_is_off():
    result = _manage("check", "--deploy", **PRODUCTION_LIKE, MFA_REQUIRED="false")

    assert "pins.W001" in result.stderr + result.stdout
