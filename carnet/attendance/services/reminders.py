"""Registers not taken: which sessions are missing their register (for school-life staff) and the
periodic job that reminds each teacher once per session.

A register is due `AttendanceSettings.register_reminder_minutes` after the session starts, or at
its end if that comes first; cancelled sessions are never due. "Once" is kept in the
notifications table itself: a notification of kind "attendance.register_missing" whose data names
the session (`{"session": public_id}`), checked under a lock of the session row."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carnet.attendance import register_policies as policies
from carnet.attendance.models import AttendanceSettings
from carnet.attendance.services.episodes import local_today, session_bounds, zone_of
from carnet.attendance.services.registers import SESSION_RELATED, session_label
from carnet.timetable.models import Session

NOTIFICATION_KIND = "attendance.register_missing"


def due_at(session: Session, settings: AttendanceSettings, zone) -> dt.datetime:
    """When a register not taken becomes "missing": `register_reminder_minutes` after the start,
    or the end of the session if that comes first."""
    start, end = session_bounds(session, zone)
    return min(end, start + dt.timedelta(minutes=settings.register_reminder_minutes))


def missing_registers(
    *, actor, on: dt.date | None = None, days: int = 1, now: dt.datetime | None = None
) -> list[Session]:
    """Sessions without a register, not cancelled, whose register is due (see `due_at`), in the
    establishments where `actor` is school-life staff: of the day `on` (default: today) and the
    `days - 1` days before it, newest day first then by start. Three queries."""
    now = now or timezone.now()
    establishment_ids = policies.school_life_establishment_ids(actor)
    if not establishment_ids:
        return []
    days = max(1, min(days, 31))
    utc_day = now.astimezone(dt.UTC).date()
    if on is None:
        first, last = utc_day - dt.timedelta(days=days), utc_day + dt.timedelta(days=1)
    else:
        first, last = on - dt.timedelta(days=days - 1), on
    candidates = list(
        Session.objects.filter(
            establishment_id__in=establishment_ids,
            held_on__range=(first, last),
            status=Session.Status.SCHEDULED,
            register__isnull=True,
        )
        .select_related(*SESSION_RELATED)
        .order_by("-held_on", "start_time", "id")
    )
    settings = {
        s.establishment_id: s
        for s in AttendanceSettings.objects.filter(establishment_id__in=establishment_ids)
    }
    result = []
    for session in candidates:
        establishment = session.establishment
        today = local_today(establishment, now)
        if on is None and not (today - dt.timedelta(days=days - 1) <= session.held_on <= today):
            continue
        current = settings.get(session.establishment_id) or AttendanceSettings(
            establishment_id=session.establishment_id
        )
        if due_at(session, current, zone_of(establishment)) <= now:
            result.append(session)
    return result


def remind_missing_registers(*, now: dt.datetime | None = None) -> int:
    """The periodic job: tell each teacher, once per session, that the register of a session of
    today is due and not taken (kind "attendance.register_missing": in-app and push, never SMS).
    "Once" is kept in the notifications table itself (a notification of that kind whose data names
    the session), checked under a lock of the session row so that two workers never both send.
    Returns how many reminders were sent."""
    from carnet.notifications.models import Notification
    from carnet.notifications.services.sending import notify

    now = now or timezone.now()
    utc_day = now.astimezone(dt.UTC).date()
    candidates = list(
        Session.objects.filter(
            held_on__range=(utc_day - dt.timedelta(days=1), utc_day + dt.timedelta(days=1)),
            status=Session.Status.SCHEDULED,
            register__isnull=True,
            teacher__is_active=True,
        ).select_related(*SESSION_RELATED)
    )
    if not candidates:
        return 0
    settings = {
        s.establishment_id: s
        for s in AttendanceSettings.objects.filter(
            establishment_id__in={c.establishment_id for c in candidates}
        )
    }
    due = []
    for session in candidates:
        establishment = session.establishment
        current = settings.get(session.establishment_id) or AttendanceSettings(
            establishment_id=session.establishment_id
        )
        if (
            session.held_on == local_today(establishment, now)
            and due_at(session, current, zone_of(establishment)) <= now
        ):
            due.append(session)
    if not due:
        return 0
    sent_before = {
        (recipient_id, (data or {}).get("session"))
        for recipient_id, data in Notification.objects.filter(
            kind=NOTIFICATION_KIND,
            recipient_id__in={s.teacher_id for s in due},
            created_at__gte=now - dt.timedelta(days=2),
        ).values_list("recipient_id", "data")
    }
    sent = 0
    for session in due:
        key = str(session.public_id)
        if (session.teacher_id, key) in sent_before:
            continue
        with transaction.atomic():
            locked = (
                Session.objects.select_for_update(of=("self",))
                .filter(pk=session.pk, register__isnull=True, status=Session.Status.SCHEDULED)
                .values_list("pk", flat=True)
                .first()
            )
            if locked is None:
                continue
            if Notification.objects.filter(
                kind=NOTIFICATION_KIND, recipient_id=session.teacher_id, data__session=key
            ).exists():
                continue
            with translation.override(session.teacher.language or session.establishment.language or None):
                title = _("Appel non fait : %(session)s") % {"session": session_label(session)}
                body = _("L'appel de la séance de %(time)s n'est pas encore fait. Touchez pour le faire.") % {
                    "time": session.start_time.strftime("%H:%M")
                }
            notify(
                recipients=[session.teacher],
                kind=NOTIFICATION_KIND,
                title=title,
                body=body,
                url=reverse("attendance:register", args=[session.public_id]),
                establishment=session.establishment,
                data={"session": key},
            )
            sent += 1
    return sent
