"""The production settings, as `make demo` runs them, with one change for the bench: static files
are collected with hashed names but without pre-compressing them (brotli and gzip of every static
file take about a minute of CPU and no figure fetches a static file). Pages render the very same
hashed static URLs."""

from config.settings.prod import *  # noqa: F403
from config.settings.prod import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
