"""Settings, read from the environment (see README "Configuration").

Local defaults are safe to run on a laptop: SQLite in the project folder and DEBUG off unless
the environment turns it on (`make run` does). Production sets DATABASE_URL, SECRET_KEY and
ALLOWED_HOSTS.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
SECRET_KEY_FROM_ENVIRONMENT = bool(SECRET_KEY)
if not SECRET_KEY:
    # Commands such as `screen` need no secret. Serving does: wsgi.py and `check --deploy`
    # refuse to go on without SECRET_KEY unless DEBUG is on.
    SECRET_KEY = "local-development-only-not-secret" if DEBUG else get_random_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "simple_history",
    "pgtrigger",
    "django_tasks",
    "django_tasks.backends.database",
    "screening.accounts",
    "screening.rules",
    "screening.records",
    "screening.intake",
    "screening.audit",
    "screening.api",
    "screening.devtools",
    "ninja",
]

MIDDLEWARE = [
    "screening.accounts.security.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "screening.accounts.middleware.SessionLifetimeMiddleware",
    "screening.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "screening.accounts.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "screening.urls"
WSGI_APPLICATION = "screening.wsgi.application"

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
                "screening.accounts.context_processors.membership",
            ],
        },
    },
]

# SQLite by default so that a fresh clone runs with zero set-up; production uses PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections: a new connection per request cut an insert view from ~780 to ~170 req/s.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "screening.db.postgresql"  # the health check without SELECT 1
if DATABASES["default"]["ENGINE"] == "screening.db.postgresql" and env.bool(
    "DB_PREPARED_STATEMENTS", default=True
):
    # The statements of screening.sql.prepared_cursor are planned once per connection; Django's
    # own cursors bind values on the client and are never prepared. Turn it off behind a pooler
    # that cannot keep prepared statements (PgBouncer before 1.21 in transaction mode).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Long jobs (the impact preview) run as tasks: queued in the database, run by `manage.py db_worker`
# processes on any host that reaches the database.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks.backends.database.DatabaseBackend"),
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "screening.accounts.backends.MemberBackend",  # user, membership and clinic in one query
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Two-factor sign-in (an authenticator app's code, or a recovery code) is required for these roles
# and for superusers; everyone else may turn it on for themselves.
OTP_REQUIRED_ROLES = env.list(
    "OTP_REQUIRED_ROLES", default=["records_keeper", "rules_admin", "medical_director"]
)
# A rules publish takes effect only when a medical director other than its author approves it.
# A single-person installation may waive this (every rules page then says so).
RULES_APPROVAL_WAIVED = env.bool("RULES_APPROVAL_WAIVED", default=False)
OTP_TOTP_ISSUER = "Microneedling screening"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The client's address: 0 trusted proxies means REMOTE_ADDR; behind N proxies that each append to
# X-Forwarded-For, the Nth address from the right (screening.accounts.ratelimit.client_ip).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Rate limits are counted in the database (accounts.RateCount), shared by every process and
# server; login lockouts too (django-axes' database handler). Nothing needs a shared cache.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# scope -> (requests, per seconds), for each signed-in user (or address when signed out).
RATE_LIMITS = {
    "autosave": (env.int("AUTOSAVE_PER_MINUTE", default=60), 60),
    "client_search": (env.int("SEARCH_PER_MINUTE", default=30), 60),
    "csp_report": (20, 60),
    # Each address opening, saving and submitting invitation links (the client is signed out).
    "invitation": (env.int("INVITATION_PER_MINUTE", default=120), 60),
    # Per API key, or per CDS client signing its calls.
    "api": (env.int("API_PER_MINUTE", default=600), 60),
}
# An evaluate call (which saves nothing) commits its audit event and rate count without waiting
# for the disk: a crash of the database server may lose the last fraction of a second of them,
# never anything else (README, "Configuration"). True makes it wait, as every other write does.
EVALUATE_WAITS_FOR_DISK = env.bool("EVALUATE_WAITS_FOR_DISK", default=False)

# Invitations (the client answers before the visit): the links start with SITE_URL and work for
# INVITATION_HOURS unless submitted or revoked first.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
INVITATION_HOURS = env.int("INVITATION_HOURS", default=72)
# Invitation links by email: EMAIL_URL names the server, e.g. smtp+tls://user:password@host:587
# (django-environ's form). An empty EMAIL_URL, the default unless DEBUG is on, turns email off
# (the invitation page then offers no email field). `consolemail://`, DEBUG's default, only says
# on the console that an email went: never the client's address or link.
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://" if DEBUG else "")
INVITATION_EMAIL = bool(EMAIL_URL)
if EMAIL_URL:
    for _name, _value in env.email_url_config(EMAIL_URL).items():
        if _value is not None:
            globals()[_name] = _value
    if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":  # noqa: F821
        EMAIL_BACKEND = "screening.mail.PrivateConsoleBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="screening@localhost")

# Failed logins: 5 failures for one username from one address lock it for 15 minutes; 30 failures
# from one address, whatever the usernames, pause sign-in from that address for 15 minutes.
AXES_CLIENT_IP_CALLABLE = "screening.accounts.ratelimit.client_ip"
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=30)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # its start-up banner on stderr would mix into command output

# Shared clinic computers: an idle session ends after SESSION_IDLE_MINUTES, any session after
# SESSION_MAX_HOURS (enforced by SessionLifetimeMiddleware).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=15)
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False  # SessionLifetimeMiddleware writes it once a minute at most
SESSION_ENGINE = "screening.accounts.sessions"  # Django's database sessions, read by SQL
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
        "report-uri": ["/csp-report/"],
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    # Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_ENABLED=true.
    if env.bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
