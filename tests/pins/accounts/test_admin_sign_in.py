"""The Django admin signs people in through the service's own sign-in, with its rate limits and MFA, and is
refused to anyone signed in without admin rights."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from pins.accounts.authorization import RequestAccess
from pins.accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in_page(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


def _security_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))


def test_a_signed_in_senco_cannot_become_a_staff_account_through_the_admin_sign_in(client, world, password):
    senco, staff = world["senco_a"], world["programme_admin"]
    client.force_login(senco)

    for attempt in ["wrong-password"] * 20 + [password]:
        response = client.post(
            reverse("admin:login"),
            {"username": staff.email, "email": staff.email, "password": attempt, "next": reverse("admin:index")},
        )
        assert response.status_code == 302
        assert response.url == _sign_in_page(reverse("admin:index"))

    assert client.session["_auth_user_id"] == str(senco.pk)
    assert client.get(reverse("admin:index")).status_code == 403
    assert client.get(reverse("admin:schools_school_changelist")).status_code == 403


@pytest.mark.parametrize("role", ["anonymous", "senco_a", "coordinator_a"])
def test_the_admin_sign_in_page_sends_everyone_to_the_service_sign_in(client, world, role):
    if role != "anonymous":
        client.force_login(world[role])
    wanted = reverse("admin:schools_school_changelist")

    response = client.get(f"{reverse('admin:login')}?{urlencode({'next': wanted})}")

    assert response.status_code == 302
    assert response.url == _sign_in_page(wanted)


def test_the_admin_sign_in_page_does_not_pass_on_a_next_address_elsewhere(client):
    response = client.get(f"{reverse('admin:login')}?{urlencode({'next': 'https://attacker.example/admin/'})}")

    assert response.url == _sign_in_page(reverse("admin:index"))


@pytest.mark.parametrize("role", ["senco_a", "coordinator_a", "specialist_a", "dfe_staff"])
def test_someone_signed_in_without_admin_rights_is_refused_the_admin_never_shown_its_form(client, world, role):
    client.force_login(world[role])

    response = client.get(reverse("admin:index"), follow=True)

    assert response.status_code == 403
    assert 'name="password"' not in response.text
    assert world.school_a.name not in response.text


def test_a_senco_sent_to_the_admin_sign_in_ends_on_a_refusal_not_a_loop(client, world):
    client.force_login(world["senco_a"])

    response = client.get(reverse("admin:index"), follow=True)

    assert response.status_code == 403
    assert len(response.redirect_chain) <= 3


def test_failed_sign_ins_on_the_way_to_the_admin_are_rate_limited(client, world, password):
    staff = world["programme_admin"]
    sign_in = client.get(reverse("admin:index"), follow=True)
    assert sign_in.redirect_chain[-1][0] == _sign_in_page(reverse("admin:index"))
    assert 'name="login"' in sign_in.text

    for _ in range(5):
        client.post(sign_in.redirect_chain[-1][0], {"login": staff.email, "password": "wrong-password"})
    response = client.post(sign_in.redirect_chain[-1][0], {"login": staff.email, "password": password})

    assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_staff_reach_the_admin_only_after_their_security_code(client):
    staff = User.objects.create_superuser(email="root@example.org", password=PASSWORD)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    response = client.post(
        _sign_in_page(reverse("admin:index")), {"login": staff.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).url.startswith(reverse("admin:login"))

    response = client.post(reverse("mfa_authenticate"), {"code": _security_code(secret)}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert response.status_code == 200
    assert "PINS programme administration" in response.text


@pytest.mark.parametrize(
    "make_account",
    [
        lambda: User.objects.create_superuser(email="root@example.org", password=PASSWORD),
        lambda: User.objects.create_user(email="helpdesk@example.org", password=PASSWORD, is_staff=True),
    ],
    ids=["createsuperuser", "is_staff"],
)
def test_an_account_that_can_reach_the_admin_sets_up_mfa_before_it(client, settings, make_account):
    settings.MFA_REQUIRED = True
    account = make_account()
    assert RequestAccess(account).requires_mfa
    client.post(reverse("account_login"), {"login": account.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(account.pk)

    for url in [reverse("admin:index"), reverse("admin:schools_school_changelist")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("mfa_activate_totp")), url
