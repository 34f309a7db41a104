"""Production settings: what `make demo` and real deployments run. Passes `check --deploy`.

Behind TLS (the normal case) set CARNET_HTTPS=1. The demo on http://127.0.0.1 sets it to 0, which
relaxes only the cookie and redirect flags that cannot work without TLS."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_str("CARNET_SECRET_KEY", "")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured(
        "CARNET_SECRET_KEY must be set to a random string of at least 50 characters in production "
        "(`make demo` writes one to var/secret_key)."
    )
_https = env_bool("CARNET_HTTPS", True)
SECURE_SSL_REDIRECT = _https
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_HSTS_SECONDS = env_int("CARNET_HSTS_SECONDS", 31536000 if _https else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not _https:
    # Plain HTTP is only for a demo on loopback; check --deploy would rightly warn about it.
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]
