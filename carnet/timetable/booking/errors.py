"""Refusals of the booking services, with stable codes (the API answers `{code, message, details}`).

| code | HTTP | class |
|---|---|---|
| `booking_conflict` | 409 | BookingConflict: the resource is occupied, or the day is closed or outside the year |
| `booking_not_pending` | 409 | BookingNotPending: approving or refusing a booking already decided or cancelled |
| `booking_not_active` | 409 | BookingNotActive: cancelling a booking already refused or cancelled |
| `resource_not_bookable` | 409 | ResourceNotBookable: the resource is out of service or not open to booking |
| `validation_failed` | 422 | carnet.core.errors.ValidationFailed: a day in the past, an end before the start… |"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carnet.core.errors import Conflict


class BookingConflict(Conflict):
    """`details`: {"conflicts": [{kind, description, start, end, field}]} (see `Conflict.as_dict`)."""

    code = "booking_conflict"
    default_message = _("Ce créneau n'est pas libre.")


class BookingNotPending(Conflict):
    """`details`: {"status": the booking's current status}."""

    code = "booking_not_pending"
    default_message = _(
        "Cette réservation n'attend plus de réponse : elle a déjà été validée, refusée ou annulée."
    )


class BookingNotActive(Conflict):
    """`details`: {"status": the booking's current status}."""

    code = "booking_not_active"
    default_message = _("Cette réservation est déjà annulée ou refusée.")


class ResourceNotBookable(Conflict):
    code = "resource_not_bookable"
    default_message = _("Cette ressource n'est pas ouverte à la réservation.")
