"""What the booking part declares at start-up: its notification kinds and the "Réservations"
navigation entry (staff members and teachers)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def books_somewhere(request) -> bool:
    """For the side menu: no query beyond the person's cached roles."""
    from carnet.timetable.booking.policies import books_somewhere as books

    return books(request.user)


def register() -> None:
    from carnet.timetable.booking import notifying
    from carnet.ui import navigation

    notifying.register()
    navigation.register(
        "timetable_booking",
        _("Réservations"),
        "timetable:booking_index",
        "building",
        order=50,
        match=("timetable:booking_",),
        visible=books_somewhere,
    )
