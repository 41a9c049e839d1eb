"""Riskboard's settings, read from environment variables (the README's Configuration lists them).

Development: `DEBUG=1` and nothing else. Production: `SECRET_KEY`, `ALLOWED_HOSTS` and
`DATABASE_URL`; the security settings default to safe values whenever `DEBUG` is off.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_HASHES
from django.core.exceptions import ImproperlyConfigured

from riskboard.mailsettings import email_settings, from_address, site_url

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def envbool(name: str, default: bool) -> bool:
    """A yes/no variable; unset or empty means `default`, anything unclear is an error."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of {', '.join(_TRUE + _FALSE)}; got {os.environ[name]!r}."
    )


def envint(name: str, default: int) -> int:
    """A whole-number variable; unset or empty means `default`."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None


def envlist(name: str, default: str) -> list[str]:
    """A comma-separated variable, e.g. ALLOWED_HOSTS=example.com,www.example.com."""
    value = os.environ.get(name, "").strip() or default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "The SECRET_KEY environment variable is not set. Riskboard needs it whenever DEBUG "
            "is off: set SECRET_KEY to a long random string, for example the output of\n"
            "    python -c 'import secrets; print(secrets.token_urlsafe(50))'\n"
            "or set DEBUG=1 for local development (bash scripts/start does)."
        )
    SECRET_KEY = "riskboard-local-development-only-never-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "riskboard.apps.RiskboardAdminConfig",  # django.contrib.admin, log-ins limited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "projects",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "riskboard.security.security_headers",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "riskboard.security.private_pages",
    "riskboard.timezones.site_time_zone",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "riskboard.urls"
WSGI_APPLICATION = "riskboard.wsgi.application"

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
            ],
        },
    },
]

# SQLite in the project folder unless DATABASE_URL says otherwise; postgres:// URLs use
# psycopg 3 (the only PostgreSQL driver installed).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache counts failed log-ins, sign-ups and estimate requests (riskboard/security.py). The
# default keeps counts per process; with several web processes (gunicorn workers), set CACHE_URL
# (redis://...) so that they share one count, or each limit applies per process.
if os.environ.get("CACHE_URL", "").strip():
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"].strip(),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portfolio"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` gathers the files whitenoise serves in production.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", "").strip() or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# plotly.js comes from the plotly package as vendor/plotly.min.js (projects/staticfinders.py).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "projects.staticfinders.PlotlyFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# In development whitenoise serves straight from the app folders; in production from
# STATIC_ROOT, filled by `manage.py collectstatic`.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Background estimates (riskboard/celery.py, projects/tasks.py). With no broker every estimate
# runs in the web process, so a newcomer needs nothing but Python.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip()
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Outcomes live on the Estimate rows; no result backend is needed.
CELERY_TASK_IGNORE_RESULT = True
# A million scenarios take well under a minute; the soft limit records a clear failure first.
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 5 * 60)
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 6 * 60)
if CELERY_TASK_SOFT_TIME_LIMIT > CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_TASK_SOFT_TIME_LIMIT must not be above CELERY_TASK_TIME_LIMIT; got "
        f"{CELERY_TASK_SOFT_TIME_LIMIT} and {CELERY_TASK_TIME_LIMIT} seconds."
    )
# Acknowledge after the task, and give the message back when a worker dies mid-task, so that
# a killed worker never loses an estimate; one message at a time per process keeps the others
# available to idle workers.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "").strip() or "riskboard"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Redis hands an unacknowledged message (its whole worker was killed) to another worker after
# this many seconds: above CELERY_TASK_TIME_LIMIT, so a slow task is never run twice at once,
# and below models.STALLED_AFTER, so the page rarely calls a recoverable estimate interrupted.
# Workers look for such messages every CELERY_RESTORE_CHECK_SECONDS.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 10 * 60),
    "unacked_restore_interval": envint("CELERY_RESTORE_CHECK_SECONDS", 30),
    "unacked_restore_throttle": 1,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Celery beat: queue the projects due for their scheduled re-estimate (see reestimate_due).
CELERY_BEAT_SCHEDULE = {
    "queue-due-reestimates": {
        "task": "projects.tasks.queue_due_reestimates",
        "schedule": envint("REESTIMATE_CHECK_SECONDS", 60 * 60),
    },
    # Each team's weekly digest goes out on Monday morning in the team's time zone; the task
    # runs every hour and sends only what is due and not yet sent (projects/digest.py).
    "send-weekly-digests": {"task": "projects.tasks.send_due_digests", "schedule": 60 * 60},
    # Emails the outbox could not hand to a worker (broker down) are sent from here.
    "send-waiting-emails": {"task": "projects.tasks.send_waiting_emails", "schedule": 5 * 60},
}
# Estimates above this many scenarios run on a worker when a broker is set; smaller ones run in
# the web request (a fraction of a second) so the page shows the result at once.
INTERACTIVE_TRIALS = envint("INTERACTIVE_TRIALS", 100_000)
# Without a broker every estimate runs in a web request, so estimates above this many scenarios
# are refused there (about 0.7 s of CPU at 100,000 scenarios); the form says so on "Simulated
# scenarios". Commands (estimate, reestimate_due) are not limited.
MAX_INLINE_TRIALS = envint("MAX_INLINE_TRIALS", 100_000)
# Rate limits on asking for estimates, per user (or API token) and per team, counted in fixed
# windows of ESTIMATE_LIMIT_WINDOW_SECONDS: saves, re-estimates, saved what-ifs and check-ins
# count as estimates; the live what-if (a quick estimate without levers) has its own, larger
# limits. Over a limit the answer is 429 with Retry-After. See README's Limits.
ESTIMATE_LIMIT_WINDOW_SECONDS = envint("ESTIMATE_LIMIT_WINDOW_SECONDS", 10 * 60)
ESTIMATES_PER_USER = envint("ESTIMATES_PER_USER", 30)
ESTIMATES_PER_TEAM = envint("ESTIMATES_PER_TEAM", 120)
WHATIFS_PER_USER = envint("WHATIFS_PER_USER", 300)
WHATIFS_PER_TEAM = envint("WHATIFS_PER_TEAM", 1000)
# Sign-ups from one address per hour (riskboard/security.py).
SIGNUPS_PER_ADDRESS = envint("SIGNUPS_PER_ADDRESS", 10)

# Email (projects/outbox.py): EMAIL_URL picks the backend, DEFAULT_FROM_EMAIL the sender and
# SITE_URL the start of every link in an email (an email has no request to take the host from).
EMAIL_URL = os.environ.get("EMAIL_URL", "").strip() or "console:"
globals().update(email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = from_address(
    os.environ.get("DEFAULT_FROM_EMAIL", "").strip() or "Riskboard <riskboard@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = site_url(os.environ.get("SITE_URL", "").strip() or "http://localhost:8000")
# Seconds an email may wait for the SMTP server; a slow server must not hold a worker for long.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 20)
# Pending invitations a team may have at once, and invitations one owner may send a day.
PENDING_INVITATIONS_PER_TEAM = envint("PENDING_INVITATIONS_PER_TEAM", 50)
INVITATIONS_PER_OWNER_PER_DAY = envint("INVITATIONS_PER_OWNER_PER_DAY", 30)
# Password-reset emails asked for, per address of the visitor and per email address, an hour.
PASSWORD_RESETS_PER_ADDRESS = envint("PASSWORD_RESETS_PER_ADDRESS", 5)

# Security: safe defaults whenever DEBUG is off, each one adjustable for unusual set-ups.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy, set by django-csp on every response. Everything comes from this site:
# plotly.js and htmx are served locally, charts are drawn by static/js/charts.js from
# json_script data, and no template has inline code or style attributes. Plotly styles its SVG
# through the DOM (CSSOM), which style-src does not restrict; the one style attribute it writes
# is `cursor:pointer` on links in chart text (the history's axis links), allowed by its hash
# alone. Its stylesheet is static/css/plotly.css (projects/_plotly.html).
PLOTLY_LINK_STYLE_HASH = "'sha256-lGP/R5jOMXytzwBHVEM5Nv4XbT9fuH6V2dET/0dje2s='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_HASHES, PLOTLY_LINK_STYLE_HASH],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
    }
}
# Permissions-Policy: riskboard/security.py.
# Only behind a proxy that sets X-Forwarded-For itself: log-in limits then count by its last entry.
TRUST_X_FORWARDED_FOR = envbool("TRUST_X_FORWARDED_FOR", False)
if envbool("TRUST_X_FORWARDED_PROTO", False):
    # Only behind a proxy that sets this header itself; otherwise clients could forge it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
