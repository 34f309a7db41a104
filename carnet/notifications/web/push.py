"""Web push on the pages: the service worker at /sw.js, and a person's browsers that receive it
(register this browser, remove one). The preferences page shows them (`notifications:preferences`)."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from carnet.core.errors import ValidationFailed
from carnet.notifications import selectors, services
from carnet.notifications.policies import push_subscriptions_visible_to
from carnet.notifications.services.push import SESSION_ENDPOINT

WORKER_FILE = Path(__file__).resolve().parent.parent / "static" / "notifications" / "sw.js"
DEVICES_PARTIAL = "notifications/preferences.html#push-devices"


@login_not_required
@require_GET
def service_worker(request):
    """The service worker, served at the root so that its scope is the whole site. It gets the
    URLs of our notification icons (fingerprinted by the static storage) ahead of its code."""
    icons = {"icon": static("notifications/icon-192.png"), "badge": static("notifications/badge-96.png")}
    source = f"self.CARNET_ICONS = {json.dumps(icons)};\n{WORKER_FILE.read_text(encoding='utf-8')}"
    response = HttpResponse(source, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # The browser checks for a new worker at each visit; never let a cache hand it an old one.
    response["Cache-Control"] = "no-cache"
    return response


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _devices(request, status: int = 200):
    return render(request, DEVICES_PARTIAL, {"push_devices": selectors.push_devices_for(request.user)}, status=status)


@require_POST
def push_subscribe(request):
    """Register this browser (the JSON of `PushSubscription.toJSON()`, sent by
    notifications/push.js with the CSRF header). Answers the refreshed list of devices. The
    session remembers the endpoint: signing out of this browser stops its notifications."""
    try:
        data = json.loads(request.body)
        endpoint, keys = data["endpoint"], data["keys"]
        p256dh, auth = keys["p256dh"], keys["auth"]
        if not all(isinstance(value, str) for value in (endpoint, p256dh, auth)):
            raise TypeError("not text")
    except (ValueError, KeyError, TypeError):
        return _plain(_("Le navigateur a envoyé un abonnement illisible. Rechargez la page et réessayez."), 400)
    try:
        _subscription, created = services.register_push_subscription(
            actor=request.user, endpoint=endpoint, p256dh=p256dh, auth=auth,
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    except ValidationFailed as error:
        return _plain(" ".join(str(message) for message in (error.details or {}).values()) or str(error.message), 422)
    request.session[SESSION_ENDPOINT] = endpoint.strip()
    return _devices(request, status=201 if created else 200)


@require_POST
def push_remove(request, public_id):
    subscription = get_object_or_404(push_subscriptions_visible_to(request.user), public_id=public_id)
    device = subscription.device
    services.remove_push_subscription(actor=request.user, subscription=subscription)
    if request.htmx:
        return _devices(request)
    messages.success(request, _("%(device)s ne recevra plus vos notifications.") % {"device": device})
    return redirect("notifications:preferences")
