"""Per-request account housekeeping.

- `SessionTrackingMiddleware` keeps a row per signed-in browser so that its owner can list and end
  it. `last_seen_at` is written at most once every five minutes per session, so reading a page
  costs no write in the common case.
- `AccountRequirementsMiddleware` sends a signed-in person who owes something to the page where
  they settle it, before anything else: first a personal password (an account still on a
  temporary or no password), then the second factor their establishment requires."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.identity import hooks
from carnet.identity.models import UserSession
from carnet.identity.sessions import client_ip

TOUCH_EVERY = timedelta(minutes=5)

__all__ = ["AccountRequirementsMiddleware", "SessionTrackingMiddleware", "client_ip", "requirement_of"]


class SessionTrackingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.session.session_key:
            self._touch(request, user)
        return self.get_response(request)

    @staticmethod
    def _touch(request, user) -> None:
        now = timezone.now()
        key = request.session.session_key
        seen = request.session.get("_carnet_seen")
        if seen and now.timestamp() - seen < TOUCH_EVERY.total_seconds():
            return
        updated = UserSession.objects.filter(session_key=key, user=user).update(last_seen_at=now)
        if not updated:
            UserSession.objects.create(
                user=user,
                session_key=key,
                public_id=uuid.uuid4(),
                created_at=now,
                last_seen_at=now,
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            )
        request.session["_carnet_seen"] = now.timestamp()


PASSWORD = "password"
TOTP = "totp"
#: Where each requirement is settled; those pages (and signing out) stay reachable.
SETTLED_AT = {PASSWORD: "identity:password_change", TOTP: "identity:totp"}
ALWAYS_REACHABLE = {"identity:logout", "set_language", "javascript-catalog", "healthz", "push_service_worker"}


def requirement_of(user) -> str | None:
    """What this signed-in person must do before anything else, if anything."""
    if user.must_change_password or not user.has_usable_password():
        return PASSWORD
    if not user.has_totp and hooks.totp_required(user):
        return TOTP
    return None


class AccountRequirementsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            need = requirement_of(user)
            if need is not None:
                refusal = self._refusal(request, need)
                if refusal is not None:
                    return refusal
        return self.get_response(request)

    @staticmethod
    def _refusal(request, need: str):
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            return None
        if view_name == SETTLED_AT[need] or view_name in ALWAYS_REACHABLE:
            return None
        target = reverse(SETTLED_AT[need])
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"code": f"{need}_required", "message": _("Terminez d'abord la configuration de votre compte dans le navigateur."), "details": None},
                status=403,
            )
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
