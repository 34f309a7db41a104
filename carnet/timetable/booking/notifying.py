"""What booking tells people: the requester when the staff approve, refuse or cancel their booking
("timetable.booking_decided"), and the staff who decide when a booking waits for them
("timetable.booking_requested"). Called after the commit by the services."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from carnet.school.models import StaffFunction
from carnet.school.roles import active_function_q
from carnet.timetable.booking.conflicts import day_label, hhmm, person_label
from carnet.timetable.booking.policies import RESOURCE_MANAGERS
from carnet.timetable.models import Booking

DECIDED = "timetable.booking_decided"
REQUESTED = "timetable.booking_requested"

User = get_user_model()


def register() -> None:
    from carnet.notifications import kinds

    kinds.register(
        DECIDED,
        gettext_lazy("Réponse à une réservation"),
        description=gettext_lazy(
            "Votre demande de réservation d'une salle ou d'un matériel est validée ou refusée, "
            "ou le personnel annule votre réservation."
        ),
        default_modes={"email": "immediate", "push": "immediate"},
        summary=ngettext_lazy(
            "%(count)d réponse à une réservation", "%(count)d réponses à des réservations", "count"
        ),
    )
    kinds.register(
        REQUESTED,
        gettext_lazy("Réservation à valider"),
        description=gettext_lazy("Une demande de réservation attend votre validation."),
        default_modes={"email": "digest", "push": "immediate"},
        summary=ngettext_lazy("%(count)d réservation à valider", "%(count)d réservations à valider", "count"),
    )


def _when(booking: Booking) -> dict:
    return {
        "resource": booking.resource.name,
        "day": day_label(booking.booked_on),
        "start": hhmm(booking.start_time),
        "end": hhmm(booking.end_time),
        "purpose": booking.purpose,
    }


def notify_decided(booking: Booking, *, actor) -> None:
    """Tell the requester what became of their booking (approved, refused or cancelled by someone
    else), with the staff's note."""
    from carnet.notifications.services.sending import notify

    values = _when(booking)
    if booking.status == Booking.Status.APPROVED:
        title = _("Réservation validée : %(resource)s") % values
        body = (
            _(
                "Votre réservation de %(resource)s le %(day)s de %(start)s à %(end)s (%(purpose)s) est validée."
            )
            % values
        )
    elif booking.status == Booking.Status.REFUSED:
        title = _("Réservation refusée : %(resource)s") % values
        body = (
            _(
                "Votre demande de réservation de %(resource)s le %(day)s de %(start)s à %(end)s (%(purpose)s) est refusée."
            )
            % values
        )
    else:
        title = _("Réservation annulée : %(resource)s") % values
        body = _(
            "Votre réservation de %(resource)s le %(day)s de %(start)s à %(end)s (%(purpose)s) est annulée par %(person)s."
        ) % {**values, "person": person_label(actor)}
    if booking.decision_note:
        body += " " + _("Message : %(note)s") % {"note": booking.decision_note}
    notify(
        recipients=[booking.booked_by],
        kind=DECIDED,
        title=title,
        body=body,
        url=reverse("timetable:booking_mine"),
        establishment=booking.establishment,
        data={"booking": str(booking.public_id), "status": booking.status},
    )


def notify_requested(booking: Booking) -> None:
    """Tell the establishment's staff who decide that a booking waits for them (not the requester)."""
    from carnet.notifications.services.sending import notify

    deciders = User.objects.filter(
        is_active=True,
        id__in=StaffFunction.objects.filter(
            active_function_q(), establishment_id=booking.establishment_id, kind__in=RESOURCE_MANAGERS
        ).values("user_id"),
    ).exclude(pk=booking.booked_by_id)
    values = {**_when(booking), "person": person_label(booking.booked_by)}
    notify(
        recipients=list(deciders),
        kind=REQUESTED,
        title=_("Réservation à valider : %(resource)s") % values,
        body=_("%(person)s demande %(resource)s le %(day)s de %(start)s à %(end)s : %(purpose)s.") % values,
        url=reverse("timetable:booking_pending"),
        establishment=booking.establishment,
        data={"booking": str(booking.public_id)},
    )
