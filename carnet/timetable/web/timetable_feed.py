"""« Mon agenda dans mon téléphone »: create, regenerate or revoke one's private iCalendar address;
and the address itself, `/ical/<secret>.ics`, public (calendar applications do not sign in),
rate-limited per client address like the other public pages, 404 for an unknown secret."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from carnet.identity.sessions import client_ip
from carnet.identity.throttle import Throttle
from carnet.timetable import ical, services
from carnet.timetable.models import CalendarFeedToken
from carnet.timetable.selectors import own_sessions
from carnet.timetable.services.feeds import token_for_secret

#: Reads of a feed per client address: 60 a minute, then a minute's wait (an application polls
#: every hour or so; a family behind one address has a few).
FEED_LIMIT = 60
FEED_WINDOW = 60
#: `last_used_at` is written at most this often (seconds), so that polling does not write each time.
LAST_USED_EVERY = 3600


def feed_throttle() -> Throttle:
    return Throttle("timetable-ical", FEED_LIMIT, FEED_WINDOW, lock_base=FEED_WINDOW, lock_max=FEED_WINDOW)


def feed_url(request, secret: str) -> str:
    return request.build_absolute_uri(reverse("timetable:ical", args=[secret]))


@never_cache
@require_safe
def feed_page(request):
    token = CalendarFeedToken.objects.filter(user=request.user).first()
    secret = request.session.pop("timetable.new_feed_secret", None)
    context = {
        "token": token,
        "url": feed_url(request, secret) if secret and token else "",
        "has_sessions": own_sessions(request.user).exists(),
    }
    return render(request, "timetable/feed.html", context)


@require_POST
def feed_create(request):
    _token, secret = services.create_feed_token(actor=request.user)
    # Shown once, on the next page only: kept in the session until that page reads it.
    request.session["timetable.new_feed_secret"] = secret
    return redirect("timetable:feed")


@require_POST
def feed_revoke(request):
    from django.contrib import messages

    if services.revoke_feed_token(actor=request.user):
        messages.success(
            request,
            _(
                "L'adresse de votre agenda est désactivée : les applications qui l'utilisaient ne reçoivent plus rien."
            ),
        )
    return redirect("timetable:feed")


@login_not_required
@never_cache
@require_safe
def ical_feed(request, secret: str):
    wait = feed_throttle().hit(client_ip(request) or "unknown")
    if wait:
        response = HttpResponse(
            _("Trop de requêtes ; réessayez dans une minute."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(wait)
        return response
    token = token_for_secret(secret)
    if token is None:
        raise Http404
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_EVERY:
        token.last_used_at = now
        token.save(update_fields=["last_used_at"])
    response = HttpResponse(ical.feed_for(token.user, now=now), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="emploi-du-temps.ics"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response
