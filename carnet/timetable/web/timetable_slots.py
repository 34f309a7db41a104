"""The weekly slots of a class, for the staff who manage the timetable: the list (with the slots of
the groups attached to the class), a form to add one, a page to change or delete one. A refusal
(clash, end before start, outside the year) is shown on the form with what occupies the time."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from carnet.core.errors import ValidationFailed
from carnet.timetable import policies, services
from carnet.timetable.errors import TimetableClash
from carnet.timetable.models import Slot
from carnet.timetable.services.slots import describe_slot
from carnet.timetable.web import timetable_forms as forms
from carnet.timetable.web.timetable_sessions import _rooms, class_assignments
from carnet.timetable.web.timetable_views import class_or_404, ensure_manager

SLOT_FIELDS = ("weekday", "start_time", "end_time", "room", "week_pattern", "valid_from", "valid_until")


def _apply_errors(form, exc) -> int:
    """Put a service refusal on the form; returns the HTTP status to answer with."""
    if isinstance(exc, ValidationFailed) and isinstance(exc.details, dict):
        for name, message in exc.details.items():
            if name in form.fields:
                form.add_error(name, message)
            else:
                form.add_error(None, message)
        return 422
    if isinstance(exc, TimetableClash):
        for clash in exc.details or [{"message": str(exc.message)}]:
            form.add_error(None, clash["message"])
        return 409
    form.add_error(None, str(exc.message))
    return 422


def _class_slots(school_class):
    return (
        Slot.objects.filter(establishment_id=school_class.establishment_id, school_year__is_current=True)
        .filter(policies.class_audience_q([school_class.pk]))
        .select_related(
            "assignment__subject",
            "assignment__school_class",
            "assignment__group",
            "assignment__teacher",
            "room",
        )
        .order_by("weekday", "start_time", "end_time", "id")
    )


@require_http_methods(["GET", "POST"])
def class_slots(request, class_id):
    school_class = class_or_404(request.user, class_id)
    ensure_manager(request.user, school_class.establishment)
    assignments = class_assignments(school_class)
    form = forms.SlotForm(
        request.POST or None, assignments=assignments, rooms=_rooms(school_class.establishment)
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                slot = services.create_slot(
                    actor=request.user, assignment=data["assignment"], **{k: data[k] for k in SLOT_FIELDS}
                )
            except (ValidationFailed, TimetableClash) as exc:
                status = _apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Créneau ajouté : %(slot)s. Ses séances sont créées jusqu'à la fin de l'année.")
                    % {"slot": describe_slot(slot)},
                )
                return redirect("timetable:class_slots", class_id=school_class.public_id)
    context = {
        "school_class": school_class,
        "slots": list(_class_slots(school_class)),
        "form": form,
        "has_assignments": assignments.exists(),
    }
    return render(request, "timetable/class_slots.html", context, status=status)


def _slot_or_404(user, slot_id) -> Slot:
    """A slot the actor sees (404 otherwise) and manages (403 otherwise)."""
    slot = get_object_or_404(
        policies.slots_visible_to(user).select_related(
            "assignment__subject",
            "assignment__school_class",
            "assignment__group",
            "assignment__teacher",
            "assignment__school_year",
            "establishment",
            "school_year",
            "room",
        ),
        public_id=slot_id,
    )
    ensure_manager(user, slot.establishment)
    return slot


def _back_class(slot: Slot):
    """The class whose slots page lists this slot (a group's: its first class)."""
    assignment = slot.assignment
    if assignment.school_class is not None:
        return assignment.school_class
    assert assignment.group is not None  # a class or a group
    return assignment.group.classes.order_by("name").first()


@require_http_methods(["GET", "POST"])
def slot_edit(request, slot_id):
    slot = _slot_or_404(request.user, slot_id)
    initial = {name: getattr(slot, name) for name in SLOT_FIELDS}
    form = forms.SlotForm(
        request.POST or None,
        initial=initial,
        assignments=None,
        rooms=_rooms(slot.establishment),
        with_assignment=False,
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.update_slot(
                    actor=request.user, slot=slot, **{k: form.cleaned_data[k] for k in SLOT_FIELDS}
                )
            except (ValidationFailed, TimetableClash) as exc:
                status = _apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Créneau modifié ; les séances à venir qui n'avaient pas été changées le suivent."),
                )
                back = _back_class(slot)
                if back is not None:
                    return redirect("timetable:class_slots", class_id=back.public_id)
                return redirect("timetable:staff_index")
    context = {"slot": slot, "form": form, "back_class": _back_class(slot), "label": describe_slot(slot)}
    return render(request, "timetable/slot_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
def slot_delete(request, slot_id):
    slot = _slot_or_404(request.user, slot_id)
    back = _back_class(slot)
    if request.method == "POST":
        removed = services.delete_slot(actor=request.user, slot=slot)
        messages.success(
            request, _("Créneau supprimé, avec %(count)d séance(s) à venir.") % {"count": removed}
        )
        if back is not None:
            return redirect("timetable:class_slots", class_id=back.public_id)
        return redirect("timetable:staff_index")
    return render(
        request,
        "timetable/slot_delete.html",
        {"slot": slot, "back_class": back, "label": describe_slot(slot)},
    )
