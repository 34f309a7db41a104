"""/reservations/: the resources one may book, a resource's occupancy (a day or a week) with the
booking form, "Mes réservations" (with cancel) and the staff's "À valider" list.

For staff members and teachers (`policies.books_somewhere`); anyone else gets 403. A resource or
a booking outside the person's scope answers 404. Writes go through `booking.services`."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carnet.core import errors
from carnet.timetable.booking import policies, selectors, services
from carnet.timetable.booking.conflicts import hhmm
from carnet.timetable.booking.errors import (
    BookingConflict,
    BookingNotActive,
    BookingNotPending,
    ResourceNotBookable,
)
from carnet.timetable.booking.occupancy import occupancy
from carnet.timetable.models import Booking, Resource
from carnet.timetable.web.booking.forms import BookingForm, DecisionForm

WEEK = "semaine"
DAY = "jour"
KIND_HEADINGS = {Resource.Kind.ROOM: gettext_lazy("Salles"), Resource.Kind.EQUIPMENT: gettext_lazy("Matériel")}


def ensure_books(request) -> None:
    if not policies.books_somewhere(request.user):
        raise PermissionDenied


def today_of(request) -> dt.date:
    return selectors.today_for(request.user)


def tabs_context(request, current: str, today: dt.date | None = None) -> dict:
    manages = policies.manages_resources_somewhere(request.user)
    return {
        "tab": current,
        "manages": manages,
        "pending_count": selectors.count_to_decide(request.user, today or today_of(request))
        if manages
        else 0,
    }


# --- resources to book --------------------------------------------------------------------------
@never_cache
def index(request):
    ensure_books(request)
    today = today_of(request)
    resources = list(selectors.bookable_resources(request.user))
    several = len({r.establishment_id for r in resources}) > 1
    groups = [
        {
            "establishment": establishment,
            "kinds": [
                {"kind": KIND_HEADINGS[kind], "resources": list(items)}
                for kind, items in groupby(group, key=lambda r: r.kind)
            ],
        }
        for establishment, group in (
            (e, list(g)) for e, g in groupby(resources, key=lambda r: r.establishment)
        )
    ]
    context = {"groups": groups, "several": several, "today": today, **tabs_context(request, "index", today)}
    return render(request, "timetable/booking/index.html", context)


def _parse_day(value: str | None, default: dt.date) -> dt.date:
    """The day asked for, or `default` when it is missing, malformed or absurdly far away."""
    try:
        day = dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default
    return day if abs((day - default).days) <= 3660 else default


def _parse_time(value: str | None) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value) if value else None
    except ValueError:
        return None


def _page_url(resource, day: dt.date, view: str, anchor: str = "") -> str:
    url = reverse("timetable:booking_resource", args=[resource.public_id]) + f"?jour={day.isoformat()}"
    if view == WEEK:
        url += f"&vue={WEEK}"
    return url + (f"#{anchor}" if anchor else "")


def _add_service_errors(form: BookingForm, error: errors.DomainError) -> None:
    if isinstance(error, BookingConflict):
        for conflict in (error.details or {}).get("conflicts", []):
            form.add_error(conflict["field"], conflict["description"])
    elif isinstance(error, errors.ValidationFailed) and isinstance(error.details, dict):
        for field, message in error.details.items():
            form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, str(error.message))


@never_cache
def resource_page(request, resource_id):
    """GET: the occupancy of a day (`?jour=YYYY-MM-DD`) or of its week (`&vue=semaine`), and the
    booking form (prefilled from `?debut=HH:MM&fin=HH:MM`). POST: book."""
    ensure_books(request)
    resource = get_object_or_404(
        policies.resources_visible_to(request.user).select_related("establishment"), public_id=resource_id
    )
    today = services.local_now(resource.establishment).date()
    day = _parse_day(request.GET.get("jour"), today)
    view = WEEK if request.GET.get("vue") == WEEK else DAY
    can_book = resource.is_active and resource.bookable and policies.can_book(request.user, resource)
    status = 200
    if request.method == "POST":
        if not can_book:
            raise PermissionDenied
        form = BookingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                booking = services.book(
                    actor=request.user,
                    resource=resource,
                    on=data["booked_on"],
                    start=data["start_time"],
                    end=data["end_time"],
                    purpose=data["purpose"],
                )
            except (errors.ValidationFailed, BookingConflict, ResourceNotBookable) as error:
                _add_service_errors(form, error)
                status = 409 if isinstance(error, BookingConflict | ResourceNotBookable) else 422
            else:
                values = {
                    "resource": resource.name,
                    "day": booking.booked_on.strftime("%d/%m/%Y"),
                    "start": hhmm(booking.start_time),
                    "end": hhmm(booking.end_time),
                }
                if booking.status == Booking.Status.PENDING:
                    messages.success(
                        request,
                        _(
                            "Demande envoyée : %(resource)s le %(day)s de %(start)s à %(end)s. "
                            "Elle attend la validation du personnel ; vous serez prévenu."
                        )
                        % values,
                    )
                else:
                    messages.success(
                        request,
                        _("Réservation confirmée : %(resource)s le %(day)s de %(start)s à %(end)s.") % values,
                    )
                return redirect(_page_url(resource, booking.booked_on, view))
        else:
            status = 422
        if form.is_bound and "booked_on" in form.cleaned_data:
            day = form.cleaned_data["booked_on"]
    else:
        form = BookingForm(
            initial={
                "booked_on": max(day, today),
                "start_time": _parse_time(request.GET.get("debut")),
                "end_time": _parse_time(request.GET.get("fin")),
            }
        )

    if view == WEEK:
        first = day - dt.timedelta(days=day.weekday())
        last = first + dt.timedelta(days=5)
        step = dt.timedelta(days=7)
    else:
        first = last = day
        step = dt.timedelta(days=1)
    days = occupancy(resource, first, last)
    context = {
        "resource": resource,
        "days": days,
        "day": day,
        "today": today,
        "view": view,
        "week_first": first,
        "week_last": last,
        "previous_url": _page_url(resource, day - step, view),
        "next_url": _page_url(resource, day + step, view),
        "today_url": _page_url(resource, today, view),
        "day_url": _page_url(resource, day, DAY),
        "week_url": _page_url(resource, day, WEEK),
        "form": form,
        "can_book": can_book,
        "needs_approval": can_book and services.needs_approval(request.user, resource),
        **tabs_context(request, "index", today),
    }
    return render(request, "timetable/booking/resource.html", context, status=status)


# --- my bookings --------------------------------------------------------------------------------
@never_cache
def mine(request):
    ensure_books(request)
    today = today_of(request)
    context = {
        "upcoming": selectors.my_upcoming_bookings(request.user, today),
        "history": selectors.my_history(request.user, today),
        "today": today,
        **tabs_context(request, "mine", today),
    }
    return render(request, "timetable/booking/mine.html", context)


def _next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_POST
def cancel(request, booking_id):
    booking = get_object_or_404(
        policies.bookings_visible_to(request.user).select_related("resource", "establishment"),
        public_id=booking_id,
    )
    if not policies.can_cancel(request.user, booking):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.cancel(actor=request.user, booking=booking, note=note)
    except (BookingNotActive, errors.ValidationFailed) as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Réservation annulée : %(resource)s le %(day)s de %(start)s à %(end)s.")
            % {
                "resource": booking.resource.name,
                "day": booking.booked_on.strftime("%d/%m/%Y"),
                "start": hhmm(booking.start_time),
                "end": hhmm(booking.end_time),
            },
        )
    return redirect(_next_url(request, reverse("timetable:booking_mine")))


# --- bookings to decide -------------------------------------------------------------------------
@never_cache
def pending(request):
    if not policies.manages_resources_somewhere(request.user):
        raise PermissionDenied
    today = today_of(request)
    bookings = selectors.bookings_to_decide(request.user, today)
    context = {
        "bookings": bookings,
        "today": today,
        "several": len({b.establishment_id for b in bookings}) > 1,
        **tabs_context(request, "pending", today),
    }
    context["pending_count"] = len(bookings)
    return render(request, "timetable/booking/pending.html", context)


@require_POST
def decide(request, booking_id):
    booking = get_object_or_404(
        Booking.objects.filter(
            establishment_id__in=policies.managed_establishment_ids(request.user)
        ).select_related("resource", "establishment", "booked_by"),
        public_id=booking_id,
    )
    approve = request.POST.get("action") == "approve"
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("note", [])))
        return redirect("timetable:booking_pending")
    try:
        services.decide(actor=request.user, booking=booking, approve=approve, note=form.cleaned_data["note"])
    except (BookingNotPending, BookingConflict, errors.ValidationFailed) as error:
        messages.error(request, str(error.message))
    else:
        values = {
            "person": booking.booked_by.full_name,
            "resource": booking.resource.name,
            "day": booking.booked_on.strftime("%d/%m/%Y"),
        }
        if approve:
            messages.success(
                request, _("Réservation de %(person)s validée : %(resource)s le %(day)s.") % values
            )
        else:
            messages.success(
                request, _("Réservation de %(person)s refusée : %(resource)s le %(day)s.") % values
            )
    return redirect("timetable:booking_pending")
