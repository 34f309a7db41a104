"""Settings shared by every environment. Values that differ between machines come from the
environment through the typed readers of `config.env`; see the README for the full list."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_path,
    env_str,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = env_path("CARNET_VAR_DIR", BASE_DIR / "var")

DEBUG = env_bool("CARNET_DEBUG", False)
SECRET_KEY = env_str("CARNET_SECRET_KEY", "insecure-development-key-change-me-" + "x" * 20)
ALLOWED_HOSTS = env_list("CARNET_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CARNET_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("CARNET_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves Swagger UI from our static files, not from a CDN
    "carnet.core",
    "carnet.ui",
    "carnet.identity",
    "carnet.school",
    "carnet.audit",
    "carnet.notifications",
    "carnet.timetable",
    "carnet.grades",
    "carnet.attendance",
    "carnet.discipline",
    "carnet.reportcards",
    "carnet.schoollife",
    "carnet.portal",
    "carnet.demo",
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "carnet.identity.middleware.SessionTrackingMiddleware",
    "carnet.identity.middleware.AccountRequirementsMiddleware",
    "carnet.core.middleware.UserLanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "identity.User"
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "identity:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "carnet.ui.context_processors.ui",
                "carnet.notifications.context_processors.unread",
            ],
            "builtins": ["carnet.ui.templatetags.ui"],
        },
    }
]

FORM_RENDERER = "carnet.ui.forms.CarnetFormRenderer"

# --- Database ---------------------------------------------------------------------------------
_database_url = env_str("CARNET_DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": parse_database_url("CARNET_DATABASE_URL", _database_url)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(env_path("CARNET_SQLITE_PATH", VAR_DIR / "carnet.sqlite3")),
            # Persistent connections: opening SQLite and running the pragmas costs more than a query.
            "CONN_MAX_AGE": None,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # IMMEDIATE takes the write lock when a transaction starts, so two writers queue on
                # the busy timeout instead of failing with "database is locked" half-way through.
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("CARNET_SQLITE_BUSY_TIMEOUT", 20, minimum=1),
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=FULL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA temp_store=MEMORY;"
                    "PRAGMA cache_size=-20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------
_redis_url = env_str("CARNET_REDIS_URL", "")
CACHES: dict[str, dict[str, object]]
if _redis_url:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}}
else:
    # Without Redis, a cache on disk is what the web workers share: login-throttle counters and
    # used TOTP codes must be seen by every worker, not one per process as with local memory.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# --- Background tasks -------------------------------------------------------------------------
_tasks_backend = env_choice("CARNET_TASKS_BACKEND", "database", {"database", "immediate"})
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if _tasks_backend == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": ["default", "notifications"],
    }
}

# --- Passwords and sign-in --------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Length, not composition (NIST SP 800-63B / ANSSI): 10 characters at least, no class rules.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "carnet.identity.passwords.FrenchCommonPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # reset links live one hour at most
# Reverse proxies in front of Carnet (a TLS proxy: 1). Their X-Forwarded-For gives the client's
# address to the login throttle, sessions and the audit trail; 0 trusts no forwarded header.
CARNET_TRUSTED_PROXIES = env_int("CARNET_TRUSTED_PROXIES", 0, minimum=0, maximum=5)
CARNET_ACTIVATION_CODE_DAYS = env_int("CARNET_ACTIVATION_CODE_DAYS", 30, minimum=1, maximum=365)
CARNET_LOGIN_THROTTLE = {
    "per_account": env_int("CARNET_LOGIN_MAX_PER_ACCOUNT", 5, minimum=1),
    "per_address": env_int("CARNET_LOGIN_MAX_PER_ADDRESS", 30, minimum=1),
    "window_seconds": env_int("CARNET_LOGIN_WINDOW_SECONDS", 300, minimum=10),
}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("CARNET_SESSION_SECONDS", 60 * 60 * 8, minimum=300, maximum=60 * 60 * 24 * 14)
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "carnet" / "locale"]
TIME_ZONE = env_str("CARNET_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
CARNET_IMPORT_MAX_BYTES = env_int("CARNET_IMPORT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
CARNET_DOCUMENT_MAX_BYTES = env_int("CARNET_DOCUMENT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)

# --- Outgoing messages ------------------------------------------------------------------------
EMAIL_BACKEND = env_str("CARNET_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "outbox" / "email")
EMAIL_HOST = env_str("CARNET_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("CARNET_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("CARNET_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("CARNET_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("CARNET_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("CARNET_DEFAULT_FROM_EMAIL", "Carnet <no-reply@carnet.local>")
CARNET_SMS_BACKEND = env_str("CARNET_SMS_BACKEND", "carnet.core.sms.FileSmsBackend")
CARNET_SMS_FILE_PATH = VAR_DIR / "outbox" / "sms.log"
CARNET_SMS_GATEWAY_URL = env_str("CARNET_SMS_GATEWAY_URL", "")
CARNET_SMS_GATEWAY_TOKEN = env_str("CARNET_SMS_GATEWAY_TOKEN", "")
CARNET_PUSH_BACKEND = env_str("CARNET_PUSH_BACKEND", "carnet.notifications.backends.push.FilePushBackend")
CARNET_PUSH_FILE_PATH = VAR_DIR / "outbox" / "push.log"
CARNET_VAPID_PRIVATE_KEY = env_str("CARNET_VAPID_PRIVATE_KEY", "")  # `carnet vapid-keys` prints a pair
CARNET_VAPID_PUBLIC_KEY = env_str("CARNET_VAPID_PUBLIC_KEY", "")
CARNET_VAPID_SUBJECT = env_str("CARNET_VAPID_SUBJECT", "")  # mailto:… or https://…, for the push services
CARNET_PUSH_SERVICE_HOSTS = env_list("CARNET_PUSH_SERVICE_HOSTS", ["fcm.googleapis.com", "push.services.mozilla.com", "push.apple.com", "notify.windows.com"])

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("CARNET_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

NINJA_PAGINATION_PER_PAGE = 50
CARNET_API_RATE = env_str("CARNET_API_RATE", "600/m")  # API requests per person ("count/s|m|h|d")
