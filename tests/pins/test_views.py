import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("accessibility", "Accessibility statement for the PINS programme service"),
        ("privacy", "Privacy notice"),
        ("cookies", "Cookies"),
    ],
)
def test_footer_pages_are_public_and_linked_from_every_page(client, url_name, heading):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-xl">{heading}</h1>' in response.text
    sign_in_page = client.get(reverse("account_login")).text
    assert f'href="{reverse(url_name)}"' in sign_in_page


def test_accessibility_statement_names_the_regulations(client):
    response = client.get(reverse("accessibility"))

    assert "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018" in (
        response.text
    )


def test_cookies_page_lists_only_the_cookies_the_service_sets(client, user, password):
    client.post(reverse("account_login"), {"login": user.email, "password": password})

    response = client.get(reverse("cookies"))

    assert set(client.cookies.keys()) == {"sessionid", "csrftoken"}
    for name in client.cookies:
        assert f'<td class="govuk-table__cell">{name}</td>' in response.text


def test_base_layout_follows_the_govuk_template(client):
    html = client.get(reverse("account_login")).text

    assert '<html lang="en" class="govuk-template">' in html
    assert "<title>Sign in – PINS programme</title>" in html
    assert 'class="govuk-skip-link"' in html and 'href="#main-content"' in html
    assert 'id="main-content"' in html
    assert "govuk-phase-banner" in html
    assert "PINS programme" in html and "govuk-service-navigation" in html


def test_home_page_needs_sign_in(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_signed_in_home_page_offers_sign_out(client, user):
    client.force_login(user)

    html = client.get(reverse("home")).text

    assert f"Signed in as {user.email}" in html
    assert f'href="{reverse("account_logout")}"' in html


def test_sign_in_with_no_details_shows_each_error_in_the_summary(client):
    response = client.post(reverse("account_login"), {"login": "", "password": ""})

    html = response.text
    assert response.status_code == 200
    assert "<title>Error: Sign in – PINS programme</title>" in html
    assert '<a href="#id_login">Enter your email address</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html
    assert 'class="govuk-input govuk-input--error"' in html


def test_there_is_no_public_sign_up(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "stranger@example.org", "password1": "a-long-password-1", "password2": "a-long-password-1"},
    )

    assert "Accounts are by invitation" in response.text
    from pins.accounts.models import User

    assert not User.objects.filter(email="stranger@example.org").exists()


def test_password_reset_sends_a_single_use_link(client, user):
    response = client.post(reverse("account_reset_password"), {"email": user.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    link = next(word for word in mail.outbox[0].body.split() if "/accounts/password/reset/key/" in word)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.text

    new_password = "a-new-and-long-password-7"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": new_password, "password2": new_password},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert "This link has expired" in client.get(link, follow=True).text


def test_sign_out_needs_a_post(client, user):
    client.force_login(user)

    confirm = client.get(reverse("account_logout"))
    assert "Are you sure you want to sign out" in confirm.text
    assert client.get(reverse("home")).status_code == 200

    client.post(reverse("account_logout"))
    assert client.get(reverse("home")).status_code == 302


def test_error_pages_are_in_the_govuk_layout(client, user):
    from django.template.loader import render_to_string

    client.force_login(user)

    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404
    assert "<title>Page not found – PINS programme</title>" in not_found.text
    assert 'id="main-content"' in render_to_string("500.html")  # rendered without a request, as Django does
