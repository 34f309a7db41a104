"""Start-up checks (`carnet check`, and every management command): real web push needs its keys."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.utils.module_loading import import_string

from carnet.notifications import vapid


@register()
def web_push_settings(app_configs=None, **kwargs):
    from carnet.notifications.backends.push import WebPushBackend

    try:
        backend = import_string(settings.CARNET_PUSH_BACKEND)
    except ImportError as exc:
        return [Error(f"CARNET_PUSH_BACKEND={settings.CARNET_PUSH_BACKEND!r} cannot be imported: {exc}", id="notifications.E001")]
    if isinstance(backend, type) and issubclass(backend, WebPushBackend):
        try:
            vapid.config()
        except vapid.VapidError as exc:
            return [Error(str(exc), hint="`carnet vapid-keys` prints a fresh key pair.", id="notifications.E002")]
        if not settings.CARNET_PUSH_SERVICE_HOSTS:
            return [Error("CARNET_PUSH_SERVICE_HOSTS is empty: no browser could subscribe.", id="notifications.E003")]
    elif (settings.CARNET_VAPID_PUBLIC_KEY or settings.CARNET_VAPID_PRIVATE_KEY) and not vapid.application_server_key():
        return [Warning("CARNET_VAPID_PRIVATE_KEY does not hold a usable key.", id="notifications.W001")]
    return []
