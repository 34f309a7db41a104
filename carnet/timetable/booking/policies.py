"""Who may see and do what with resources and bookings.

- Any staff member or teacher of an establishment (every staff function but "guest") books its
  active, bookable resources and sees their occupancy, with who booked and why.
- The head, deputies, school-life staff and the IT administrator (`RESOURCE_MANAGERS`) manage the
  resources (including out-of-service ones), approve or refuse pending bookings and cancel any
  booking of their establishment.
- Everyone cancels their own bookings while they hold the resource.
- Students and guardians book nothing and see nothing here.

Scopes filter on establishment first and use no per-row query: they read the person's cached
roles (`carnet.school.roles.roles_of`)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from carnet.core.errors import PermissionDenied
from carnet.school.models import StaffFunction
from carnet.school.roles import roles_of
from carnet.timetable.models import Booking, Resource

K = StaffFunction.Kind

#: Functions that manage resources and decide on bookings.
RESOURCE_MANAGERS = frozenset({K.HEAD, K.DEPUTY, K.SCHOOL_LIFE, K.IT_ADMIN})


def booking_establishment_ids(actor) -> frozenset[int]:
    """Establishments where the actor books: those where they hold a staff function (teacher included)."""
    return roles_of(actor).staff_establishment_ids


def managed_establishment_ids(actor) -> frozenset[int]:
    return frozenset(e for e, kinds in roles_of(actor).functions.items() if kinds & RESOURCE_MANAGERS)


def books_somewhere(actor) -> bool:
    return bool(booking_establishment_ids(actor))


def manages_resources_somewhere(actor) -> bool:
    return bool(managed_establishment_ids(actor))


# --- resources ----------------------------------------------------------------------------------
def resources_visible_to(actor) -> QuerySet[Resource]:
    """The in-service resources of the establishments where the actor books, and every resource
    (out of service too) of those they manage."""
    booking_ids = booking_establishment_ids(actor)
    managed_ids = managed_establishment_ids(actor)
    if not booking_ids and not managed_ids:
        return Resource.objects.none()
    return Resource.objects.filter(
        Q(establishment_id__in=booking_ids, is_active=True) | Q(establishment_id__in=managed_ids)
    )


def bookable_resources_for(actor) -> QuerySet[Resource]:
    return resources_visible_to(actor).filter(is_active=True, bookable=True)


def resources_managed_by(actor) -> QuerySet[Resource]:
    return Resource.objects.filter(establishment_id__in=managed_establishment_ids(actor))


def can_manage_resources(actor, establishment) -> bool:
    return establishment.pk in managed_establishment_ids(actor)


def ensure_can_manage_resources(actor, establishment) -> None:
    if not can_manage_resources(actor, establishment):
        raise PermissionDenied()


def can_book(actor, resource: Resource) -> bool:
    """The actor books in the resource's establishment (whether the resource is open to booking is
    the service's check, with its own message)."""
    return resource.establishment_id in booking_establishment_ids(actor)


def ensure_can_book(actor, resource: Resource) -> None:
    if not can_book(actor, resource):
        raise PermissionDenied()


# --- bookings -----------------------------------------------------------------------------------
def bookings_visible_to(actor) -> QuerySet[Booking]:
    """Every booking of the establishments where the actor books (the occupancy shows who booked and
    why), and the actor's own bookings wherever they were made."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return Booking.objects.none()
    return Booking.objects.filter(
        Q(establishment_id__in=booking_establishment_ids(actor)) | Q(booked_by_id=roles.user_id)
    )


def bookings_to_decide_by(actor) -> QuerySet[Booking]:
    """Pending bookings of the establishments the actor manages."""
    return Booking.objects.filter(
        establishment_id__in=managed_establishment_ids(actor), status=Booking.Status.PENDING
    )


def can_decide(actor, booking: Booking) -> bool:
    return booking.establishment_id in managed_establishment_ids(actor)


def ensure_can_decide(actor, booking: Booking) -> None:
    if not can_decide(actor, booking):
        raise PermissionDenied()


def can_cancel(actor, booking: Booking) -> bool:
    return booking.booked_by_id == getattr(actor, "pk", None) or can_decide(actor, booking)


def ensure_can_cancel(actor, booking: Booking) -> None:
    if not can_cancel(actor, booking):
        raise PermissionDenied()
