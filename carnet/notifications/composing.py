"""Turning notifications into messages: one notification, or a person's digest.

Messages are written in the recipient's language (their own, else their establishment's) and
show times in the establishment's time zone."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carnet.core.sms import truncate_sms
from carnet.notifications import kinds
from carnet.notifications.backends import OutgoingMessage
from carnet.notifications.quiet import zone


def absolute_url(url: str) -> str:
    if url.startswith("/") and not url.startswith("//"):
        return settings.SITE_URL.rstrip("/") + url
    return url


def language_for(user, establishment=None) -> str:
    return user.language or getattr(establishment, "language", "") or settings.LANGUAGE_CODE


#: French quotes (with the spaces French typography puts inside them), which GSM-7 lacks and
#: `carnet.core.sms.to_gsm7` would turn into "?".
_OPENING_QUOTE = re.compile(r"[«‹]\s*")
_CLOSING_QUOTE = re.compile(r"\s*[»›]")


def fit_sms(text: str) -> str:
    """One GSM-7 SMS of 160 characters at most: French quotes kept readable, spaces collapsed,
    accents GSM-7 lacks replaced, cut with '...' when too long."""
    text = _CLOSING_QUOTE.sub('"', _OPENING_QUOTE.sub('"', text))
    return truncate_sms(" ".join(text.split()))


def default_sms_text(*, prefix: str, title: str, body: str) -> str:
    text = f"{prefix} : {title}"
    if body:
        text += f". {body}"
    return fit_sms(text)


def _heading(code: str, count: int) -> str:
    kind = kinds.find(code)
    return kind.summarize(count) if kind else f"{code} ({count})"


def digest_summary(notifications: Iterable) -> str:
    """'3 nouvelles notes, 1 absence': each kind's count, the most frequent first."""
    counts = Counter(n.kind for n in notifications)
    return ", ".join(_heading(code, count) for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _context(user, establishment) -> dict:
    return {
        "user": user,
        "establishment": establishment,
        "site_url": settings.SITE_URL.rstrip("/"),
        "centre_url": absolute_url(reverse("notifications:centre")),
        "preferences_url": absolute_url(reverse("notifications:preferences")),
    }


def single_message(notification, *, user, establishment=None) -> OutgoingMessage:
    time_zone = zone(getattr(establishment, "time_zone", None))
    with translation.override(language_for(user, establishment)), timezone.override(time_zone):
        context = _context(user, establishment) | {
            "notification": notification,
            "link": absolute_url(notification.url) if notification.url else "",
        }
        return OutgoingMessage(
            subject=notification.title,
            text=render_to_string("notifications/email/single.txt", context),
            html=render_to_string("notifications/email/single.html", context),
            short=" ".join(notification.body.split())[:240],
            sms=notification.sms_text,
            url=context["link"] or context["centre_url"],
        )


def digest_message(notifications: Sequence, *, user, establishment=None, sms_prefix: str = "Carnet") -> OutgoingMessage:
    """One message for several notifications. A digest of one is that notification's own message."""
    if len(notifications) == 1:
        return single_message(notifications[0], user=user, establishment=establishment)
    time_zone = zone(getattr(establishment, "time_zone", None))
    with translation.override(language_for(user, establishment)), timezone.override(time_zone):
        summary = digest_summary(notifications)
        groups: dict[str, list] = {}
        for notification in notifications:
            groups.setdefault(notification.kind, []).append(notification)
        sections = [
            {
                "heading": _heading(code, len(items)),
                "items": [{"notification": n, "link": absolute_url(n.url) if n.url else ""} for n in items],
            }
            for code, items in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
        ]
        context = _context(user, establishment) | {"summary": summary, "sections": sections, "count": len(notifications)}
        subject = ngettext(
            "Votre résumé Carnet : %(count)d notification", "Votre résumé Carnet : %(count)d notifications", len(notifications)
        ) % {"count": len(notifications)}
        return OutgoingMessage(
            subject=subject,
            text=render_to_string("notifications/email/digest.txt", context),
            html=render_to_string("notifications/email/digest.html", context),
            short=summary,
            sms=fit_sms(_("%(prefix)s : %(summary)s") % {"prefix": sms_prefix, "summary": summary}),
            url=context["centre_url"],
        )
