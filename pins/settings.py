"""Settings for the PINS programme service.

Every value comes from the environment (see README "Configuration"). The database is PostgreSQL everywhere
(`make run` starts an embedded one when DATABASE_URL is unset). Without REDIS_URL, Celery tasks run in-process;
without EMAIL_URL, e-mail is printed to the console. Production sets DEBUG off, which makes SECRET_KEY required
and turns on the HTTPS-only protections.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off: set SECRET_KEY in the environment, "
            "or DEBUG=true for local work (make run does this)."
        )
    SECRET_KEY = "local-demo-only-not-a-secret"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Public address of the service, used in e-mails and calendar feeds sent outside a request.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # the GOV.UK form renderer overrides its templates
    "django.contrib.humanize",  # allauth's MFA pages load it
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_filters",
    "django_celery_beat",
    "health_check",
    "pgtrigger",
    "pghistory",  # row history by triggers (docs/adr/0013)
    "pins",  # the project: its checks
    "pins.kernel",  # template tags every app's pages load
    "pins.accounts",
    "icbs",
    "schools",
    "specialists",
    "pins.programme",  # ICB mergers, across the apps
]
# The demo's commands (seed_demo, demo_setup) exist only where the demo runs: `make run` (DEBUG) and benchmarks.
PINS_DEMO = env.bool("PINS_DEMO", default=DEBUG)
if PINS_DEMO:
    INSTALLED_APPS.append("pins.demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "pins.accounts.sessions.SessionLifetimeMiddleware",
    "pghistory.middleware.HistoryMiddleware",  # the signed-in user in the history of what a request changes
    "pins.accounts.middleware.AccessMiddleware",
    # Before anything reads the body (CSRF reads the form), and with request.access for the error pages.
    "pins.kernel.request_limits.RequestBodyLimitMiddleware",
    "pins.kernel.request_limits.MalformedRequestMiddleware",
    "pins.accounts.middleware.MfaRequiredMiddleware",
    "pins.accounts.middleware.AdminStaffOnlyMiddleware",
    "pins.accounts.middleware.DownloadRecordMiddleware",  # who downloaded which file, when
]

# A GET changes no audited row: only requests that may change one name their user in the row history.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
ROOT_URLCONF = "pins.urls"
# A suggested plan for an ICB at national scale sends back one ticked box per visit.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# The largest request body read at all (an ICB's CSV upload is well under 1 MB); larger ones get a 413.
MAX_REQUEST_BODY_BYTES = 5 * 1024 * 1024
WSGI_APPLICATION = "pins.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "pins.context_processors.service",
            ],
            # `{% url %}` remembers the addresses it reverses (pins/kernel/urls.py).
            "builtins": ["pins.kernel.templatetags.remembered_urls"],
        },
    },
]

# Forms render as GOV.UK Design System fields (label, hint, error message, input classes).
FORM_RENDERER = "pins.kernel.forms.GovukFormRenderer"

# Database: PostgreSQL, the one engine of the demo, the tests and production (docs/adr/0011). Unset, commands that
# touch no data still run (collectstatic in the image's build); any query fails.
DATABASE_URL = env.str("DATABASE_URL", default="")
DATABASES = {"default": env.db_url_config(DATABASE_URL) if DATABASE_URL else {"ENGINE": "django.db.backends.dummy"}}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The service's working set fits in memory, so a random read costs about what a sequential one does; with
# PostgreSQL's default (4.0, tuned for spinning disks) the planner scans all 16,800 schools and hashes them rather
# than reading one ICB's 400 by index (bench/profile_pages.py --explain). Set per connection so every server agrees.
if DATABASE_URL:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c random_page_cost=1.1"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis carries the Celery broker and the cache. Unset, tasks run eagerly and the cache lives in memory.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pins",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# No result backend: tasks write what they do to the database, and nothing reads a task's return value.
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker died (killed, out of memory) goes back on the queue rather than being lost; tasks are safe to
# run twice (each claims its row before sending).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic jobs, declared here and written into django-celery-beat's tables when beat starts.
CELERY_BEAT_SCHEDULE = {
    "send due reminders": {
        "task": "specialists.tasks.send_due_reminders",
        "schedule": 60 * 60,
    },
    "send unsent change request e-mails": {
        "task": "specialists.tasks.send_unsent_change_request_emails",
        "schedule": 5 * 60,
    },
    "fold progress changes": {
        "task": "schools.tasks.fold_progress_changes",
        "schedule": 5 * 60,
    },
    "fold open visits": {
        "task": "specialists.tasks.fold_open_visits",
        "schedule": 5 * 60,
    },
    "send unsent notices": {
        "task": "specialists.tasks.send_unsent_notices",
        "schedule": 5 * 60,
    },
    "apply the retention period": {
        "task": "pins.programme.tasks.apply_retention",
        "schedule": 24 * 60 * 60,
    },
}
# Personal data (free-text notes, people removed from the programme, download records) is kept this many years.
PINS_RETENTION_YEARS = env.int("PINS_RETENTION_YEARS", default=7)

# Visits are reminded of this many days before (to the school's SENCOs and the specialist), each once per version.
PINS_VISIT_REMINDER_DAYS = tuple(env.list("PINS_VISIT_REMINDER_DAYS", cast=int, default=[7, 1]))
# "Suggest visits": how long the optimiser may take for an ICB before it keeps the best plan found (or the greedy
# plan). Its weights are the programme admin's, in the Django admin (specialists.models.PlannerWeights).
PINS_PLANNER_SECONDS = env.float("PINS_PLANNER_SECONDS", default=5.0)

# A stuck task is stopped: the soft limit raises inside it, the hard limit ends the worker process. Both stay
# under pins.kernel.mail.CLAIM_LEASE, so an e-mail claimed by a task still running is never taken over and sent twice.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=4 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=5 * 60)

# E-mail: printed to the console unless EMAIL_URL names a server (smtp+tls://user:password@host:587).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# GOV.UK Notify, when its API key is set (docs/adr/0019-notices.md): one Notify template whose subject is ((subject))
# and body ((body)) carries every message. The key is a secret: it stays in this process, never on the broker.
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
if NOTIFY_API_KEY:
    EMAIL_BACKEND = "pins.kernel.notify.NotifyEmailBackend"
    try:
        NOTIFY_TEMPLATE_ID = env.str("NOTIFY_TEMPLATE_ID")
    except ImproperlyConfigured:
        raise ImproperlyConfigured(
            "NOTIFY_TEMPLATE_ID is required with NOTIFY_API_KEY: the id of a Notify e-mail template whose subject"
            " is ((subject)) and body ((body))"
        ) from None
    NOTIFY_REPLY_TO_ID = env.str("NOTIFY_REPLY_TO_ID", default="")
    NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
# Seconds to wait for the mail server before the send fails (and its task tries again later).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PINS programme <no-reply@pins.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where users write for help and feedback (phase banner, accessibility statement, privacy notice).
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="pins.support@example.org")

# Users, sign-in and sessions
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's, each reading the person's roles with the person (pins/accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "pins.accounts.backends.ModelBackend",
    "pins.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "pins.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "pins.accounts.forms.SignInForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"  # addresses are proven by the invitation link
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
# The password-reset form sends nothing to an address without an account (no "sign up" text: sign-up is closed).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "PINS programme: "

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "PINS programme"
MFA_FORMS = {
    "authenticate": "pins.accounts.forms.SecurityCodeForm",
    "reauthenticate": "pins.accounts.forms.SecurityCodeCheckForm",
}
# Authenticator-app secrets and recovery-code seeds are encrypted in the database with this key (kept apart from
# SECRET_KEY, which can then be rotated without turning off everyone's two-factor authentication).
MFA_ADAPTER = "pins.accounts.adapters.MfaAdapter"
MFA_ENCRYPTION_KEY = env.str("MFA_ENCRYPTION_KEY", default="")
if not MFA_ENCRYPTION_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "MFA_ENCRYPTION_KEY is required when DEBUG is off: set it in the environment to a long random value "
            "(kept for as long as the authenticators it encrypts), or DEBUG=true for local work."
        )
    MFA_ENCRYPTION_KEY = "local-demo-only-not-a-secret"
# DfE staff, programme admins and ICB coordinators must set up MFA before reaching data. Only the local demo
# turns this off (make run); `check --deploy` warns if it is off with DEBUG off.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)

# Single sign-on through OpenID Connect identity providers (DfE Sign-in, an NHS identity provider), as JSON:
# [{"id": "dfe-sign-in", "name": "DfE Sign-in", "server_url": "https://...", "client_id": "...",
#   "secret": "...", "enforces_mfa": true}]
# Sign-in through a provider only reaches an account that already exists (accounts are invited), matched by
# verified e-mail address.
OIDC_PROVIDERS = env.json("OIDC_PROVIDERS", default=[])
SOCIALACCOUNT_ADAPTER = "pins.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": provider["id"],
                "name": provider["name"],
                "client_id": provider["client_id"],
                "secret": provider["secret"],
                "settings": {"server_url": provider["server_url"]},
            }
            for provider in OIDC_PROVIDERS
        ],
    }
}

# Flash messages live in the session, so the service sets no cookies beyond the session and CSRF ones.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Sessions end after a period without activity: activity renews them, at most once a minute so that reading a
# page writes nothing (pins.accounts.sessions.SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
# Sessions are read from the cache (Redis) and written through to the database: one query fewer on every page,
# and a session survives a flushed cache.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# However active, a session ends this long after signing in.
SESSION_ABSOLUTE_LIFETIME_SECONDS = env.int("SESSION_ABSOLUTE_LIFETIME_SECONDS", default=12 * 60 * 60)

# Transport security: HTTPS only whenever DEBUG is off. The test suite turns it off (HTTPS_ONLY=false) because
# its live server speaks plain HTTP.
HTTPS_ONLY = env.bool("HTTPS_ONLY", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of ours stand in front of the service (a load balancer: 1): sign-in rate limits key on the
# client address they pass in X-Forwarded-For. With 0 the header is ignored, so nobody can forge it.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SECURE_SSL_REDIRECT = HTTPS_ONLY
SECURE_REDIRECT_EXEMPT = [r"^healthz(/workers)?/?$"]  # container health checks speak plain HTTP
SECURE_HSTS_SECONDS = 31536000 if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS_ONLY else "http"  # links in e-mails
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy: everything from our own origin; the one inline script GOV.UK Frontend needs
# (marking the body as JS-enabled) carries the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # Signing in through an identity provider posts here, then redirects there.
        "form-action": [SELF, *(provider["server_url"] for provider in OIDC_PROVIDERS)],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Internationalisation
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Static files: our own assets and the compiled GOV.UK Frontend stylesheet, served by whitenoise.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk-frontend", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Secrets in addresses (calendar feeds, invitation links) stay out of the log: "Not Found: /calendars/..."
    "filters": {"secrets": {"()": "pins.kernel.redaction.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["secrets"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
