"""Fast settings for the test suite: MD5 hasher, locmem cache and e-mail, immediate tasks."""

import os
import tempfile
from pathlib import Path

from config.env import parse_database_url

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-" + "t" * 30
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "carnet-test"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "notifications"]}}
_tmp = tempfile.mkdtemp(prefix="carnet-test-")
MEDIA_ROOT = Path(_tmp) / "media"
STATIC_ROOT = Path(_tmp) / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing directory
CARNET_SMS_BACKEND = "carnet.core.sms.MemorySmsBackend"
CARNET_PUSH_BACKEND = "carnet.notifications.backends.push.MemoryPushBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
_pg = os.environ.get("CARNET_TEST_DATABASE_URL", "")
if _pg:
    DATABASES = {"default": parse_database_url("CARNET_TEST_DATABASE_URL", _pg)}
    DATABASES["default"]["TEST"] = {"NAME": DATABASES["default"]["NAME"] + "_carnet_test"}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(_tmp, "test.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            "TEST": {"NAME": os.path.join(_tmp, "test.sqlite3")},
        }
    }
