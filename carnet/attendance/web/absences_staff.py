"""School-life pages ("vie scolaire") of absences and lateness:

- `attendance:absences` — absences (or lateness) to regularise, filtered by class, state and days;
- `attendance:absence` — one absence: its sessions, declarations, contacts; regularise it (with
  the version read: a stale save is refused and nothing is overwritten) and log a contact;
- `attendance:lateness` — one lateness, regularised the same way;
- `attendance:absence_new` — an absence entered by hand (half-days counted by the rule).

Readers (head, deputies, school life, secretary) see; managers (not the secretary) change.
Someone who reads attendance nowhere gets 403; an object of another establishment 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carnet.attendance import policies
from carnet.attendance.models import Regularisation
from carnet.attendance.services import absences as service
from carnet.attendance.services import contacts
from carnet.attendance.services.settings import reasons_of, zone_of
from carnet.attendance.web import absences_data as data
from carnet.attendance.web.absences_forms import ContactForm, CreateAbsenceForm, RegulariseForm
from carnet.core import errors
from carnet.school.models import Enrollment
from carnet.school.roles import current_enrollment_q


def _common(request, establishment, establishments) -> dict:
    return {
        "establishment": establishment,
        "establishments": establishments,
        "multiple": len(establishments) > 1,
        "can_manage": policies.can_manage_attendance(request.user, establishment),
        "tab_counts": data.staff_counts(request.user, establishment),
    }


@never_cache
def absences(request):
    establishment, establishments = data.staff_establishment(request)
    classes = data.current_classes(establishment)
    filters = data.read_filters(request.GET, classes)
    if filters.kind == "retards":
        rows = data.staff_latenesses(request.user, establishment, filters)
    else:
        rows = data.staff_absences(request.user, establishment, filters)
    page = Paginator(rows, data.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **_common(request, establishment, establishments),
        "tab": "absences",
        "classes": classes,
        "filters": filters,
        "page": page,
        "state_choices": [
            ("a_regulariser", _("À régulariser")),
            ("non_justifiees", _("Non justifiées")),
            ("justifiees", _("Justifiées")),
            ("toutes", _("Toutes")),
        ],
    }
    template = "attendance/absences/staff_list.html"
    if (
        getattr(request, "htmx", None)
        and not request.htmx.boosted
        and not request.htmx.history_restore_request
    ):
        template += "#results"
    return render(request, template, context)


def _absence_context(request, absence, *, form=None, contact_form=None, conflict=None) -> dict:
    establishment = absence.establishment
    zone = zone_of(establishment)
    reasons = reasons_of(establishment)
    usable = [r for r in reasons if r.is_active or r.pk == absence.reason_id]
    now = timezone.localtime(timezone.now(), zone)
    return {
        **_common(request, establishment, [establishment]),
        "tab": "absences",
        "absence": absence,
        "local_start": timezone.localtime(absence.starts_at, zone),
        "local_end": timezone.localtime(absence.ends_at, zone),
        "explanation": data.explanation_of(absence),
        "sessions": data.sessions_of(absence),
        "declarations": data.declarations_about(request.user, absence),
        "contacts": data.contacts_of(request.user, absence.student, establishment),
        "form": form
        or RegulariseForm(
            reasons=usable,
            initial={
                "state": absence.state,
                "reason": str(absence.reason.public_id) if absence.reason_id else "",
                "comment": absence.comment,
                "version": absence.version,
            },
        ),
        "contact_form": contact_form
        or ContactForm(initial={"contacted_on": now.date(), "contacted_time": now.strftime("%H:%M")}),
        "conflict": conflict,
    }


def _reason_or_error(form, establishment):
    from carnet.attendance.models import AbsenceReason

    wanted = form.cleaned_data.get("reason")
    if not wanted:
        return None
    reason = AbsenceReason.objects.filter(
        establishment=establishment, public_id=data.parse_uuid(wanted)
    ).first()
    if reason is None:
        raise errors.ValidationFailed(
            _("Choisissez un motif de la liste."), details={"reason": _("Choisissez un motif de la liste.")}
        )
    return reason


@never_cache
def absence(request, absence_id):
    item = data.absence_detail(request.user, absence_id)
    if not policies.can_read_attendance(request.user, item.establishment):
        # Families read their absences on their own page.
        return redirect(reverse("attendance:family_absences") + _child_query(request, item.student))
    if request.method != "POST":
        return render(request, "attendance/absences/absence.html", _absence_context(request, item))
    if not policies.can_manage_attendance(request.user, item.establishment):
        raise PermissionDenied
    reasons = reasons_of(item.establishment)
    form = RegulariseForm(request.POST, reasons=reasons)
    if not form.is_valid():
        return render(
            request,
            "attendance/absences/absence.html",
            _absence_context(request, item, form=form),
            status=422,
        )
    try:
        reason = _reason_or_error(form, item.establishment)
        _saved, changes = service.regularise_absence(
            actor=request.user,
            absence=item,
            state=form.cleaned_data["state"],
            reason=reason,
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        )
    except service.AbsenceConflict as error:
        fresh = data.absence_detail(request.user, absence_id)
        context = _absence_context(request, fresh, conflict=str(error.message))
        return render(request, "attendance/absences/absence.html", context, status=409)
    except errors.ValidationFailed as error:
        for field, message in (error.details or {}).items():
            form.add_error(field if field in form.fields else None, message)
        if not error.details:
            form.add_error(None, str(error.message))
        return render(
            request,
            "attendance/absences/absence.html",
            _absence_context(request, item, form=form),
            status=422,
        )
    messages.success(request, _("Absence régularisée.") if changes else _("Aucun changement."))
    return redirect("attendance:absence", absence_id=item.public_id)


def _child_query(request, student) -> str:
    return f"?child={student.public_id}" if student.pk != request.user.pk else ""


@require_POST
def absence_contact(request, absence_id):
    item = data.absence_detail(request.user, absence_id)
    if not policies.can_read_attendance(request.user, item.establishment):
        raise PermissionDenied
    if not policies.can_manage_attendance(request.user, item.establishment):
        raise PermissionDenied
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            contacts.record_contact(
                actor=request.user,
                establishment=item.establishment,
                student=item.student,
                channel=form.cleaned_data["channel"],
                summary=form.cleaned_data["summary"],
                contacted_at=form.moment(item.establishment),
                absence=item,
            )
        except errors.ValidationFailed as error:
            for field, message in (error.details or {}).items():
                name = {"contacted_at": "contacted_on"}.get(field, field)
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, _("Contact enregistré."))
            return redirect(reverse("attendance:absence", args=[item.public_id]) + "#contacts")
    context = _absence_context(request, item, contact_form=form)
    return render(request, "attendance/absences/absence.html", context, status=422)


@never_cache
def lateness(request, lateness_id):
    item = data.lateness_detail(request.user, lateness_id)
    establishment = item.establishment
    if not policies.can_read_attendance(request.user, establishment):
        return redirect(reverse("attendance:family_absences") + _child_query(request, item.student))
    reasons = reasons_of(establishment)
    form = None
    conflict = None
    status = 200
    if request.method == "POST":
        if not policies.can_manage_attendance(request.user, establishment):
            raise PermissionDenied
        form = RegulariseForm(request.POST, reasons=reasons)
        if form.is_valid():
            try:
                reason = _reason_or_error(form, establishment)
                _saved, changes = service.regularise_lateness(
                    actor=request.user,
                    lateness=item,
                    state=form.cleaned_data["state"],
                    reason=reason,
                    comment=form.cleaned_data["comment"],
                    expected_version=form.cleaned_data["version"],
                )
            except service.LatenessConflict as error:
                item = data.lateness_detail(request.user, lateness_id)
                conflict, form, status = str(error.message), None, 409
            except errors.ValidationFailed as error:
                for field, message in (error.details or {}).items():
                    form.add_error(field if field in form.fields else None, message)
                status = 422
            else:
                messages.success(request, _("Retard régularisé.") if changes else _("Aucun changement."))
                return redirect("attendance:lateness", lateness_id=item.public_id)
        else:
            status = 422
    if form is None:
        usable = [r for r in reasons if r.is_active or r.pk == item.reason_id]
        form = RegulariseForm(
            reasons=usable,
            initial={
                "state": item.state,
                "reason": str(item.reason.public_id) if item.reason_id else "",
                "comment": item.comment,
                "version": item.version,
            },
        )
    zone = zone_of(establishment)
    context = {
        **_common(request, establishment, [establishment]),
        "tab": "absences",
        "lateness": item,
        "local_moment": timezone.localtime(item.occurred_at, zone),
        "form": form,
        "conflict": conflict,
        "contacts": data.contacts_of(request.user, item.student, establishment, limit=10),
    }
    return render(request, "attendance/absences/lateness.html", context, status=status)


@never_cache
def absence_new(request):
    establishment, establishments = data.staff_establishment(request, manage=True)
    classes = data.current_classes(establishment)
    chosen_class = None
    wanted_class = data.parse_uuid(request.POST.get("classe") or request.GET.get("classe"))
    if wanted_class:
        chosen_class = next((c for c in classes if c.public_id == wanted_class), None)
        if chosen_class is None:
            from django.http import Http404

            raise Http404
    students = policies.students_managed_by(request.user).filter(
        id__in=Enrollment.objects.filter(current_enrollment_q(), establishment=establishment).values(
            "student_id"
        )
    )
    if chosen_class is not None:
        students = students.filter(
            id__in=Enrollment.objects.filter(current_enrollment_q(), school_class=chosen_class).values(
                "student_id"
            )
        )
    wanted_student = data.parse_uuid(request.GET.get("eleve"))
    if chosen_class is not None:
        student_list = list(students.order_by("last_name", "first_name", "id"))
    elif wanted_student is not None:
        student_list = list(students.filter(public_id=wanted_student))
    else:
        student_list = []
    reasons = reasons_of(establishment, active_only=True)
    status = 200
    if request.method == "POST":
        all_students = {str(s.public_id): s for s in students}
        form = CreateAbsenceForm(request.POST, students=list(all_students.values()), reasons=reasons)
        if form.is_valid():
            student = all_students[form.cleaned_data["student"]]
            try:
                starts_at, ends_at = form.moments(establishment)
                reason = _reason_or_error(form, establishment)
                created = service.create_absence(
                    actor=request.user,
                    establishment=establishment,
                    student=student,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    reason=reason,
                    state=form.cleaned_data["state"],
                    comment=form.cleaned_data["comment"],
                )
            except errors.ValidationFailed as error:
                mapping = {"starts_at": "starts_on", "ends_at": "ends_on"}
                for field, message in (error.details or {}).items():
                    name = mapping.get(field, field)
                    form.add_error(name if name in form.fields else None, message)
                if not error.details:
                    form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _("Absence de %(name)s enregistrée : %(count)s demi-journée(s).")
                    % {
                        "name": student.full_name,
                        "count": created.half_days,
                    },
                )
                return redirect("attendance:absence", absence_id=created.public_id)
        status = 422
    else:
        today = timezone.localtime(timezone.now(), zone_of(establishment)).date()
        initial = {"starts_on": today, "ends_on": today, "state": Regularisation.TO_JUSTIFY}
        if len(student_list) == 1:
            initial["student"] = str(student_list[0].public_id)
        form = CreateAbsenceForm(initial=initial, students=student_list, reasons=reasons)
    context = {
        **_common(request, establishment, establishments),
        "tab": "absences",
        "classes": classes,
        "chosen_class": chosen_class,
        "form": form,
        "has_students": bool(student_list) or request.method == "POST",
    }
    return render(request, "attendance/absences/create.html", context, status=status)
