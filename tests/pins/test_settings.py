"""The settings module: production-like values pass `check --deploy`; a missing secret fails loudly; the database
is PostgreSQL or none."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_LIKE = {
    "DEBUG": "false",
    "SECRET_KEY": "k9$Qw2!vZr7#Lp4@Xe8^Tn1&Hb6*Jm3(Yc5)Ud0_Fs-Ga+Ri=Oo~Wk]Pl[Ez}Nq{Vy|",
    "MFA_ENCRYPTION_KEY": "Vb4-Xq9_Lm2sTz7rKd1wHc8nJf3pYg6eRa0uQo5iWt",
    "ALLOWED_HOSTS": "pins.education.gov.uk",
    "CSRF_TRUSTED_ORIGINS": "https://pins.education.gov.uk",
    "SITE_URL": "https://pins.education.gov.uk",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
}


def _manage(*args, **env):
    # The suite's relaxations (plain HTTP, async-unsafe ORM in browser tests) stay out of this check.
    ignored = {"DEBUG", "SECRET_KEY", "HTTPS_ONLY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {key: value for key, value in os.environ.items() if key not in ignored}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_has_no_warnings_with_production_like_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_LIKE)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off():
    env = {**PRODUCTION_LIKE, "SECRET_KEY": ""}

    result = _manage("check", **env)

    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_with_database_url_unset_nothing_falls_back_to_another_engine():
    show_engine = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"

    result = _manage("shell", "-c", show_engine, DEBUG="true", DATABASE_URL="")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "django.db.backends.dummy"  # any query fails: make run gives PostgreSQL


def test_the_image_build_collects_static_files_without_a_database_url():
    result = _manage("collectstatic", "--no-input", "--dry-run", **{**PRODUCTION_LIKE, "DATABASE_URL": ""})

    assert result.returncode == 0, result.stdout + result.stderr
