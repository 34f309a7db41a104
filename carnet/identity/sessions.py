"""Signed-in browsers: recording them at sign-in, describing them, ending them.

Ending a session deletes it from the session store, so the browser is signed out at its next
request, whatever the session engine (database, cache)."""

from __future__ import annotations

import re
import uuid
from importlib import import_module

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.identity.models import UserSession


def client_ip(request) -> str | None:
    """The client's address. Behind N trusted reverse proxies (CARNET_TRUSTED_PROXIES=N), the
    N-th address from the right of X-Forwarded-For: the one our own proxies saw, which a client
    cannot forge. Without proxies the header is ignored (anyone could write it)."""
    proxies = getattr(settings, "CARNET_TRUSTED_PROXIES", 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def record_session(request, user) -> UserSession:
    """Called right after `login()`: the new session shows at once in the owner's list."""
    now = timezone.now()
    key = request.session.session_key
    row, _created = UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "last_seen_at": now,
            "ip_address": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
        create_defaults={
            "user": user,
            "public_id": uuid.uuid4(),
            "created_at": now,
            "last_seen_at": now,
            "ip_address": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )
    request.session["_carnet_seen"] = now.timestamp()
    return row


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def _end(rows) -> int:
    rows = list(rows)
    store = _store()
    for row in rows:
        store(session_key=row.session_key).delete()
    UserSession.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)


def end_session(*, user, session_id) -> bool:
    """End one of `user`'s sessions, named by its public id. False if there is no such session."""
    return _end(UserSession.objects.filter(user=user, public_id=session_id)) > 0


def end_other_sessions(*, user, keep_session_key: str | None) -> int:
    """End every session of `user` but the one with `keep_session_key`. Returns how many ended."""
    return _end(UserSession.objects.filter(user=user).exclude(session_key=keep_session_key or ""))


def end_all_sessions(*, user) -> int:
    return _end(UserSession.objects.filter(user=user))


def forget_current(request) -> None:
    """Before logging out: drop the row of this browser's session."""
    key = request.session.session_key
    if key:
        UserSession.objects.filter(session_key=key).delete()


# --- Describing a browser in plain words --------------------------------------------------------
_BROWSERS = [
    (r"SamsungBrowser", "Samsung Internet"),
    (r"OPR/|Opera", "Opera"),
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"Firefox/|FxiOS", "Firefox"),
    (r"Chrome/|CriOS", "Chrome"),
    (r"Safari/", "Safari"),
]
_SYSTEMS = [
    (r"iPhone", "iPhone"),
    (r"iPad", "iPad"),
    (r"Android", "Android"),
    (r"Windows", "Windows"),
    (r"CrOS", "ChromeOS"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"Linux", "Linux"),
]


def describe_user_agent(user_agent: str) -> str:
    """'Mozilla/5.0 (Linux; Android 14…) … Chrome/126…' -> 'Chrome sur Android'."""
    browser = next((name for pattern, name in _BROWSERS if re.search(pattern, user_agent or "")), None)
    system = next((name for pattern, name in _SYSTEMS if re.search(pattern, user_agent or "")), None)
    if browser and system:
        return _("%(browser)s sur %(system)s") % {"browser": browser, "system": system}
    if browser or system:
        return browser or system or ""
    if user_agent:
        return _("Application ou navigateur inconnu")
    return _("Appareil inconnu")


def device_icon(user_agent: str) -> str:
    return "smartphone" if re.search(r"Mobile|Android|iPhone|iPad", user_agent or "") else "monitor"


def rekey(old_key: str | None, new_key: str | None) -> None:
    """The session key changed (rotation after a password change): keep the browser's row."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)
