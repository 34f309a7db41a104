"""What occupies a resource on a date and times: `find_conflicts`, the check every booking goes
through, and the French descriptions that name what occupies it.

A room is occupied by
- a timetable slot held in it that day: right weekday, right week (A/B, read from the
  establishment's `TimetableSettings`), inside the slot's validity and its school year — unless the
  session generated from the slot for that day exists: the session then says where and when the
  lesson really is (cancelled: the room is free; moved or changed room: it occupies its new place);
- a scheduled session held in it that day (a generated one, a moved one, an extra one, a room change);
- a booking that holds it (pending or approved).
A day of the establishment's holidays or closed days, or outside every school year, cannot be
booked at all; times whose end is not after their start neither."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import formats
from django.utils.translation import gettext as _

from carnet.school.models import CalendarEvent, SchoolYear
from carnet.timetable.models import Booking, Resource, Session, Slot, TimetableSettings, WeekPattern

#: Calendar events during which the establishment is closed (exceptional days are open).
CLOSING_EVENTS = (CalendarEvent.Kind.HOLIDAY, CalendarEvent.Kind.CLOSED)

INVALID_TIMES = "invalid_times"
OUTSIDE_YEAR = "outside_year"
CLOSED = "closed"
SLOT = "slot"
SESSION = "session"
BOOKING = "booking"

#: The form field a conflict is about, to show its message next to it.
FIELD_OF_KIND = {INVALID_TIMES: "end_time", OUTSIDE_YEAR: "booked_on", CLOSED: "booked_on"}


@dataclass(frozen=True)
class Conflict:
    """One thing that prevents the booking. `start`/`end` are its times (None for a whole day);
    `ref` is the public id of the slot, session or booking."""

    kind: str
    description: str
    start: dt.time | None = None
    end: dt.time | None = None
    ref: str = ""

    @property
    def field(self) -> str:
        return FIELD_OF_KIND.get(self.kind, "start_time")

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "description": self.description,
            "start": hhmm(self.start) if self.start else None,
            "end": hhmm(self.end) if self.end else None,
            "field": self.field,
        }


# --- descriptions -------------------------------------------------------------------------------
def hhmm(value: dt.time) -> str:
    return value.strftime("%H:%M")


def name_label(first_name: str, last_name: str, sex: str, username: str = "") -> str:
    """ "M. Maths", "Mme Français"; the full name when the person's sex is not recorded."""
    if sex == "M" and last_name:
        return _("M. %(name)s") % {"name": last_name}
    if sex == "F" and last_name:
        return _("Mme %(name)s") % {"name": last_name}
    return f"{first_name} {last_name}".strip() or username


def person_label(user) -> str:
    return name_label(user.first_name, user.last_name, user.sex, user.username)


def day_label(day: dt.date) -> str:
    return formats.date_format(day, "l j F Y")


def lesson_text(subject: str, audience: str, teacher: str, start: dt.time, end: dt.time) -> str:
    return _("Cours de %(subject)s — %(audience)s, %(teacher)s, %(start)s–%(end)s") % {
        "subject": subject,
        "audience": audience,
        "teacher": teacher,
        "start": hhmm(start),
        "end": hhmm(end),
    }


def lesson_description(assignment, teacher, start: dt.time, end: dt.time) -> str:
    audience = assignment.school_class or assignment.group
    return lesson_text(
        assignment.subject.name, audience.name if audience else "", person_label(teacher), start, end
    )


def booking_text(person: str, purpose: str, status: str, start: dt.time, end: dt.time) -> str:
    values = {"person": person, "purpose": purpose, "start": hhmm(start), "end": hhmm(end)}
    if status == Booking.Status.PENDING:
        return (
            _("Demandé par %(person)s (en attente de validation) : %(purpose)s, %(start)s–%(end)s") % values
        )
    return _("Réservé par %(person)s : %(purpose)s, %(start)s–%(end)s") % values


def booking_description(booking: Booking) -> str:
    return booking_text(
        person_label(booking.booked_by), booking.purpose, booking.status, booking.start_time, booking.end_time
    )


def closure_description(event: CalendarEvent) -> str:
    if event.starts_on == event.ends_on:
        return _("Établissement fermé : %(name)s, le %(day)s") % {
            "name": event.name,
            "day": day_label(event.starts_on),
        }
    return _("Établissement fermé : %(name)s, du %(start)s au %(end)s") % {
        "name": event.name,
        "start": formats.date_format(event.starts_on, "j F Y"),
        "end": formats.date_format(event.ends_on, "j F Y"),
    }


def outside_year_description(day: dt.date) -> str:
    return _("Le %(day)s est en dehors de l'année scolaire.") % {"day": day_label(day)}


# --- the check ----------------------------------------------------------------------------------
def settings_for(establishment_id: int) -> TimetableSettings:
    """The establishment's timetable settings, created with their defaults when missing."""
    found, _created = TimetableSettings.objects.get_or_create(establishment_id=establishment_id)
    return found


def valid_on_q(day: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=day)
    )


LESSON_RELATIONS = ("assignment__subject", "assignment__school_class", "assignment__group")


def find_conflicts(
    resource: Resource, on: dt.date, start: dt.time, end: dt.time, *, exclude_booking: Booking | None = None
) -> list[Conflict]:
    """Everything that prevents booking `resource` on day `on` from `start` to `end` (naive times
    of the establishment's day), in time order; empty when it is free.

    Six indexed queries at most whatever the number of slots, sessions and bookings: the school
    year, the closing events of the day (a closed day or a day outside the year stops there), the
    slots of the room that weekday without a session for that day, the settings (only when one
    of them has a week pattern; the very first time they are created, which costs a few more),
    the sessions held in the room that day and the bookings holding it that day.
    `exclude_booking` leaves out the booking being re-checked. This is the function the
    "booking conflict check" figure times."""
    if end <= start:
        return [Conflict(INVALID_TIMES, _("L'heure de fin doit être après l'heure de début."))]
    establishment_id = resource.establishment_id
    year_ids = list(
        SchoolYear.objects.filter(establishment_id=establishment_id, starts_on__lte=on, ends_on__gte=on)
        .order_by()
        .values_list("pk", flat=True)[:1]
    )
    if not year_ids:
        return [Conflict(OUTSIDE_YEAR, outside_year_description(on))]
    closures = list(
        CalendarEvent.objects.filter(
            establishment_id=establishment_id, kind__in=CLOSING_EVENTS, starts_on__lte=on, ends_on__gte=on
        ).only("name", "starts_on", "ends_on")
    )
    if closures:
        return [Conflict(CLOSED, closure_description(event)) for event in closures]

    # Plain rows, no model instances: this check is a hot path (every booking, the bench figure).
    overlapping = Q(start_time__lt=end, end_time__gt=start)
    generated_that_day = Session.objects.filter(slot_id=OuterRef("pk"), original_on=on)
    slots = list(
        Slot.objects.filter(establishment_id=establishment_id, room=resource, weekday=on.weekday())
        .filter(overlapping, valid_on_q(on), school_year_id=year_ids[0])
        .filter(~Exists(generated_that_day))
        .order_by()
        .values_list(
            "public_id", "start_time", "end_time", "week_pattern", *_lesson_fields("assignment__teacher")
        )
    )
    if any(row[3] != WeekPattern.EVERY for row in slots):
        week = settings_for(establishment_id).week_of(on)
        slots = [row for row in slots if row[3] in (WeekPattern.EVERY, week)]
    sessions = (
        Session.objects.filter(
            establishment_id=establishment_id, room=resource, held_on=on, status=Session.Status.SCHEDULED
        )
        .filter(overlapping)
        .order_by()
        .values_list("public_id", "start_time", "end_time", "status", *_lesson_fields("teacher"))
    )
    bookings = (
        Booking.objects.filter(
            establishment_id=establishment_id, resource=resource, booked_on=on, status__in=Booking.HOLDING
        )
        .filter(overlapping)
        .order_by()
        .values_list(
            "public_id",
            "start_time",
            "end_time",
            "status",
            "purpose",
            "booked_by__first_name",
            "booked_by__last_name",
            "booked_by__sex",
            "booked_by__username",
        )
    )
    if exclude_booking is not None:
        bookings = bookings.exclude(pk=exclude_booking.pk)

    found = [Conflict(SLOT, _lesson_row_text(row), row[1], row[2], str(row[0])) for row in slots]
    found += [Conflict(SESSION, _lesson_row_text(row), row[1], row[2], str(row[0])) for row in sessions]
    found += [
        Conflict(
            BOOKING,
            booking_text(name_label(*row[5:9]), row[4], row[3], row[1], row[2]),
            row[1],
            row[2],
            str(row[0]),
        )
        for row in bookings
    ]
    return sorted(found, key=lambda c: (c.start or dt.time.min, c.end or dt.time.min))


def _lesson_fields(teacher: str) -> tuple[str, ...]:
    return (
        "assignment__subject__name",
        "assignment__school_class__name",
        "assignment__group__name",
        f"{teacher}__first_name",
        f"{teacher}__last_name",
        f"{teacher}__sex",
        f"{teacher}__username",
    )


def _lesson_row_text(row) -> str:
    """A row of (public id, start, end, pattern or status, subject, class, group, teacher's names)."""
    subject, class_name, group_name = row[4:7]
    return lesson_text(subject, class_name or group_name or "", name_label(*row[7:11]), row[1], row[2])
