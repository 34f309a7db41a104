"""Booking a resource, deciding on a pending booking, cancelling one.

Two people booking the same slot at the same moment never both succeed: `book` locks the
resource's row (`select_for_update`) inside its transaction and checks the conflicts again under
the lock, so the second one waits, then sees the first booking and is refused. Approving re-checks
under the same lock (the timetable may have changed since the request). Every write is audited
and people are told after the commit (`notifying`)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.audit.services import record
from carnet.core.errors import ValidationFailed
from carnet.timetable.booking import conflicts, notifying, policies
from carnet.timetable.booking.errors import (
    BookingConflict,
    BookingNotActive,
    BookingNotPending,
    ResourceNotBookable,
)
from carnet.timetable.models import Booking, Resource

MAX_PURPOSE = 200
MAX_NOTE = 200
#: How far ahead one may book.
MAX_DAYS_AHEAD = 400


def local_now(establishment) -> dt.datetime:
    return timezone.localtime(timezone=ZoneInfo(establishment.time_zone))


def conflict_error(found: list[conflicts.Conflict], resource: Resource) -> BookingConflict:
    """The refusal for `found`, its message naming what occupies the resource."""
    what = " ; ".join(c.description for c in found)
    if all(c.kind in (conflicts.CLOSED, conflicts.OUTSIDE_YEAR) for c in found):
        message = _("Impossible de réserver ce jour-là. %(what)s") % {"what": what}
    else:
        message = _("%(resource)s n'est pas libre sur ce créneau : %(what)s.") % {
            "resource": resource.name,
            "what": what,
        }
    return BookingConflict(message, details={"conflicts": [c.as_dict() for c in found]})


def _clean_request(resource: Resource, on: dt.date, start: dt.time, end: dt.time, purpose: str) -> str:
    """The trimmed purpose; raises ValidationFailed with a message per field."""
    errors: dict[str, str] = {}
    purpose = " ".join(str(purpose or "").split())
    if not purpose:
        errors["purpose"] = _("Dites pour quoi vous réservez.")
    elif len(purpose) > MAX_PURPOSE:
        errors["purpose"] = _("%(max)s caractères au plus.") % {"max": MAX_PURPOSE}
    if end <= start:
        errors["end_time"] = _("L'heure de fin doit être après l'heure de début.")
    now = local_now(resource.establishment)
    if on < now.date():
        errors["booked_on"] = _("Ce jour est passé.")
    elif on > now.date() + dt.timedelta(days=MAX_DAYS_AHEAD):
        errors["booked_on"] = _("On ne réserve pas plus de %(days)s jours à l'avance.") % {
            "days": MAX_DAYS_AHEAD
        }
    elif on == now.date() and end <= now.time() and "end_time" not in errors:
        errors["end_time"] = _("Ce créneau est déjà passé.")
    if errors:
        raise ValidationFailed(" ".join(errors.values()), details=errors)
    return purpose


def needs_approval(actor, resource: Resource) -> bool:
    """A booking waits for the staff when the resource or the establishment asks for it, unless the
    person booking is one of the staff who decide."""
    if resource.establishment_id in policies.managed_establishment_ids(actor):
        return False
    return resource.needs_approval or conflicts.settings_for(resource.establishment_id).bookings_need_approval


def book(*, actor, resource: Resource, on: dt.date, start: dt.time, end: dt.time, purpose: str) -> Booking:
    """Book `resource` on day `on` from `start` to `end`.

    Authorization: a staff member or teacher of the resource's establishment (else PermissionDenied).
    Refusals: ValidationFailed (no purpose, end not after start, a past day or slot, too far
    ahead; `details` per field), ResourceNotBookable (out of service or not open to booking),
    BookingConflict (`details["conflicts"]`: what occupies it, or the closed day).
    Guarantees: the booking is APPROVED, or PENDING when it needs approval (the deciding staff are
    told after the commit); an audit event "timetable.booking_created"."""
    policies.ensure_can_book(actor, resource)
    purpose = _clean_request(resource, on, start, end, purpose)
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        if not locked.is_active or not locked.bookable:
            raise ResourceNotBookable()
        found = conflicts.find_conflicts(locked, on, start, end)
        if found:
            raise conflict_error(found, locked)
        pending = needs_approval(actor, locked)
        booking = Booking.objects.create(
            establishment_id=locked.establishment_id,
            resource=locked,
            booked_by=actor,
            booked_on=on,
            start_time=start,
            end_time=end,
            purpose=purpose,
            status=Booking.Status.PENDING if pending else Booking.Status.APPROVED,
        )
        record(
            actor=actor,
            action="timetable.booking_created",
            obj=booking,
            establishment=resource.establishment,
            object_repr=f"{locked.name} {on.isoformat()} {conflicts.hhmm(start)}–{conflicts.hhmm(end)}",
            changes={
                "resource": (None, locked.name),
                "booked_on": (None, on.isoformat()),
                "start_time": (None, conflicts.hhmm(start)),
                "end_time": (None, conflicts.hhmm(end)),
                "purpose": (None, purpose),
                "status": (None, booking.status),
            },
        )
        if pending:
            transaction.on_commit(lambda: notifying.notify_requested(booking))
    return booking


def _clean_note(note: str) -> str:
    note = " ".join(str(note or "").split())
    if len(note) > MAX_NOTE:
        message = _("%(max)s caractères au plus.") % {"max": MAX_NOTE}
        raise ValidationFailed(message, details={"note": message})
    return note


def _repr(booking: Booking) -> str:
    return f"{booking.resource.name} {booking.booked_on.isoformat()} {conflicts.hhmm(booking.start_time)}–{conflicts.hhmm(booking.end_time)}"


def decide(*, actor, booking: Booking, approve: bool, note: str = "") -> Booking:
    """Approve or refuse a pending booking, with an optional note for the requester.

    Authorization: the staff who decide in the booking's establishment (else PermissionDenied).
    Refusals: BookingNotPending (already decided or cancelled), BookingConflict (approving while
    something now occupies the resource: the timetable changed since the request), ValidationFailed
    (a note over 200 characters). The requester is told after the commit; audit event
    "timetable.booking_approved" or "timetable.booking_refused"."""
    policies.ensure_can_decide(actor, booking)
    note = _clean_note(note)
    with transaction.atomic():
        if approve:
            Resource.objects.select_for_update().get(pk=booking.resource_id)
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.status != Booking.Status.PENDING:
            raise BookingNotPending(details={"status": locked.status})
        if approve:
            found = conflicts.find_conflicts(
                locked.resource, locked.booked_on, locked.start_time, locked.end_time, exclude_booking=locked
            )
            if found:
                raise conflict_error(found, locked.resource)
        old_status = locked.status
        locked.status = Booking.Status.APPROVED if approve else Booking.Status.REFUSED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        record(
            actor=actor,
            action="timetable.booking_approved" if approve else "timetable.booking_refused",
            obj=locked,
            establishment=locked.establishment,
            object_repr=_repr(locked),
            changes={
                "status": (old_status, locked.status),
                **({"decision_note": ("", note)} if note else {}),
            },
        )
        transaction.on_commit(lambda: notifying.notify_decided(locked, actor=actor))
    return locked


def cancel(*, actor, booking: Booking, note: str = "") -> Booking:
    """Cancel a booking that holds its resource (pending or approved), which frees it.

    Authorization: the person who booked, or the staff who decide in the booking's establishment.
    Refusals: BookingNotActive (already cancelled or refused). When someone else cancels, their
    name and note are kept on the booking and the requester is told after the commit. Audit event
    "timetable.booking_cancelled"."""
    policies.ensure_can_cancel(actor, booking)
    note = _clean_note(note)
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.status not in Booking.HOLDING:
            raise BookingNotActive(details={"status": locked.status})
        old_status = locked.status
        locked.status = Booking.Status.CANCELLED
        fields = ["status"]
        by_someone_else = locked.booked_by_id != actor.pk
        if by_someone_else:
            locked.decided_by = actor
            locked.decided_at = timezone.now()
            locked.decision_note = note
            fields += ["decided_by", "decided_at", "decision_note"]
        locked.save(update_fields=fields)
        record(
            actor=actor,
            action="timetable.booking_cancelled",
            obj=locked,
            establishment=locked.establishment,
            object_repr=_repr(locked),
            changes={
                "status": (old_status, locked.status),
                **({"decision_note": ("", note)} if note else {}),
            },
        )
        if by_someone_else:
            transaction.on_commit(lambda: notifying.notify_decided(locked, actor=actor))
    return locked
