"""Reads for the booking pages and the API, each starting from a scope of `policies`."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from carnet.school.models import Establishment
from carnet.timetable.booking import policies
from carnet.timetable.models import Booking, Resource

#: How many past, refused or cancelled bookings "Mes réservations" shows.
HISTORY_SIZE = 20


def today_for(actor) -> dt.date:
    """Today in the time zone of the (first, by name) establishment where the actor books."""
    ids = policies.booking_establishment_ids(actor) | policies.managed_establishment_ids(actor)
    zone = (
        Establishment.objects.filter(id__in=ids).order_by("name").values_list("time_zone", flat=True).first()
    )
    return timezone.localdate(timezone=ZoneInfo(zone)) if zone else timezone.localdate()


def bookable_resources(actor) -> QuerySet[Resource]:
    """In-service, bookable resources of the actor's establishments: rooms first, then equipment."""
    return (
        policies.bookable_resources_for(actor)
        .select_related("establishment")
        .order_by("establishment__name", "-kind", "name")
    )


def _with_relations(queryset: QuerySet[Booking]) -> QuerySet[Booking]:
    return queryset.select_related("resource", "establishment", "booked_by", "decided_by")


def my_upcoming_bookings(actor, today: dt.date) -> list[Booking]:
    """The actor's bookings that hold a resource from `today` on, soonest first."""
    return list(
        _with_relations(
            Booking.objects.filter(booked_by=actor, booked_on__gte=today, status__in=Booking.HOLDING)
        ).order_by("booked_on", "start_time")
    )


def my_history(actor, today: dt.date) -> list[Booking]:
    """The actor's latest past, refused or cancelled bookings (`HISTORY_SIZE` at most), newest first."""
    upcoming_holding = Booking.objects.filter(
        booked_by=actor, booked_on__gte=today, status__in=Booking.HOLDING
    )
    return list(
        _with_relations(
            Booking.objects.filter(booked_by=actor).exclude(pk__in=upcoming_holding.values("pk"))
        ).order_by("-booked_on", "-start_time")[:HISTORY_SIZE]
    )


def bookings_to_decide(actor, today: dt.date) -> list[Booking]:
    """Pending bookings of the establishments the actor manages, from `today` on, soonest first."""
    return list(
        _with_relations(policies.bookings_to_decide_by(actor).filter(booked_on__gte=today)).order_by(
            "booked_on", "start_time", "created_at"
        )
    )


def count_to_decide(actor, today: dt.date) -> int:
    return policies.bookings_to_decide_by(actor).filter(booked_on__gte=today).count()
