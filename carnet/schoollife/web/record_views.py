"""Pages of the record part.

- /vie-scolaire/: school-life staff and main teachers find a student (name, class, watch list);
  a student is taken to their own record, a guardian to their first child's.
- /vie-scolaire/eleves/<student>/: the student's school-life record (see `selectors.student_record`
  and the table of `policies`).
- /vie-scolaire/conduite/…: the conduct-mark suggestions of a class for a period, validated by a
  person (each student, or all at once), and the establishment's conduct rule.

Anyone outside the scope gets 404, as for a missing page."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from carnet.core import errors
from carnet.grades.profiles import profile_for
from carnet.grades.services import locks
from carnet.grades.services.conduct import format_conduct
from carnet.notifications.quiet import zone
from carnet.school.models import Establishment, Period, SchoolClass
from carnet.school.roles import roles_of
from carnet.schoollife import policies, selectors
from carnet.schoollife.services import conduct as conduct_service
from carnet.schoollife.web.record_forms import ConductRuleForm, StudentSearchForm, rule_initial
from carnet.ui.charts import bars_svg


# --- entry --------------------------------------------------------------------------------------
@require_safe
def home(request):
    """Staff and main teachers: the students list. Families: their record."""
    roles = roles_of(request.user)
    if policies.staff_establishment_ids(request.user) or roles.main_teacher_class_ids:
        return students(request)
    if roles.is_guardian:
        child = (
            policies.record_students_visible_to(request.user)
            .filter(id__in=roles.child_ids)
            .order_by("first_name", "last_name")
            .first()
        )
        if child is not None:
            return redirect("schoollife:record", child.public_id)
    if roles.is_student:
        return redirect("schoollife:record", request.user.public_id)
    raise Http404


def students(request):
    classes = list(selectors.classes_for_search(request.user))
    form = StudentSearchForm(request.GET or None, classes=classes)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    watched = bool(form.cleaned_data.get("suivi")) if form.is_valid() else False
    page, rows = selectors.students_page(
        request.user,
        query=query,
        school_class=form.school_class,
        watched_only=watched,
        page=request.GET.get("page", 1),
    )
    staff = bool(policies.staff_establishment_ids(request.user))
    return render(
        request,
        "schoollife/home.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "staff": staff,
            "searched": bool(query or form.school_class or watched),
        },
    )


# --- the record ---------------------------------------------------------------------------------
def _week_param(request) -> dt.date | None:
    raw = request.GET.get("semaine", "")
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as error:
        raise Http404 from error


@require_safe
def record(request, student_id: uuid.UUID):
    try:
        data = selectors.student_record(request.user, student_id, week_of=_week_param(request))
    except errors.NotFound as error:
        raise Http404 from error
    chart = None
    if any(count for _label, count in data.months):
        chart = bars_svg(bars=data.months, title=_("Demi-journées d'absence par mois"))
    # Moments (lateness, incidents, watch entries) read in the establishment's time zone.
    with timezone.override(zone(data.establishment.time_zone)):
        return render(request, "schoollife/record.html", {"record": data, "chart": chart})


# --- conduct ------------------------------------------------------------------------------------
def _staff_establishments(request) -> list[Establishment]:
    ids = policies.staff_establishment_ids(request.user)
    if not ids:
        raise Http404
    return list(Establishment.objects.filter(id__in=ids).order_by("name"))


@require_safe
def conduct_home(request):
    establishments = _staff_establishments(request)
    classes = list(
        SchoolClass.objects.filter(establishment__in=establishments, school_year__is_current=True)
        .select_related("establishment", "level")
        .order_by("establishment__name", "level__rank", "normalized_name")
    )
    periods: dict[int, list[Period]] = {}
    for period in Period.objects.filter(school_year_id__in={c.school_year_id for c in classes}).order_by(
        "number"
    ):
        periods.setdefault(period.school_year_id, []).append(period)
    blocks = []
    for establishment in establishments:
        blocks.append(
            {
                "establishment": establishment,
                "rule": conduct_service.rule_for(establishment),
                "enabled": profile_for(establishment).conduct_enabled,
                "can_edit_rule": policies.can_edit_conduct_rule(request.user, establishment),
                "rows": [
                    {"school_class": c, "periods": periods.get(c.school_year_id, [])}
                    for c in classes
                    if c.establishment_id == establishment.pk
                ],
            }
        )
    return render(request, "schoollife/conduct_home.html", {"blocks": blocks})


def _class_and_period(request, class_id, period_id) -> tuple[SchoolClass, Period]:
    school_class = get_object_or_404(
        SchoolClass.objects.filter(
            establishment_id__in=policies.staff_establishment_ids(request.user), school_year__is_current=True
        ).select_related("establishment", "school_year", "level"),
        public_id=class_id,
    )
    period = get_object_or_404(
        Period.objects.select_related("establishment"),
        public_id=period_id,
        school_year_id=school_class.school_year_id,
    )
    return school_class, period


def _conduct_page(request, school_class, period, *, status=200):
    rows = conduct_service.class_suggestions(school_class, period)
    periods = Period.objects.filter(school_year_id=school_class.school_year_id).order_by("number")
    context = {
        "school_class": school_class,
        "period": period,
        "rows": rows,
        "rule": conduct_service.rule_for(school_class.establishment),
        "enabled": profile_for(school_class.establishment).conduct_enabled,
        "locked": locks.is_locked(period, school_class),
        "to_validate": sum(1 for row in rows if row.differs),
        "tabs": [
            (p, reverse("schoollife:conduct_class", args=[school_class.public_id, p.public_id]))
            for p in periods
        ],
    }
    return render(request, "schoollife/conduct_class.html", context, status=status)


@require_safe
def conduct_class(request, class_id: uuid.UUID, period_id: uuid.UUID):
    school_class, period = _class_and_period(request, class_id, period_id)
    return _conduct_page(request, school_class, period)


def _version(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as error:
        raise Http404 from error


@require_POST
def conduct_validate(request, class_id: uuid.UUID, period_id: uuid.UUID):
    """Validate one student's suggestion (`student`) or every listed one (`all`), as shown."""
    school_class, period = _class_and_period(request, class_id, period_id)
    rows = {
        str(row.student.public_id): row for row in conduct_service.class_suggestions(school_class, period)
    }
    chosen = list(rows) if request.POST.get("all") else [request.POST.get("student", "")]
    items = []
    for key in chosen:
        row = rows.get(key)
        if row is None:
            raise Http404
        if request.POST.get("all") and not row.differs:
            continue
        items.append(
            conduct_service.Validation(
                student=row.student,
                expected_value=request.POST.get(f"expected-{key}", ""),
                expected_version=_version(request.POST.get(f"version-{key}")),
            )
        )
    url = reverse("schoollife:conduct_class", args=[school_class.public_id, period.public_id])
    try:
        marks = conduct_service.validate_many(actor=request.user, period=period, items=items)
    except errors.DomainError as error:
        messages.error(request, str(error.message))
        return redirect(url)
    if len(items) == 1 and marks:
        messages.success(
            request,
            _("Note de conduite de %(name)s validée : %(value)s / 20.")
            % {
                "name": items[0].student.full_name,
                "value": format_conduct(marks[0].value) if marks[0] else "",
            },
        )
    elif items:
        messages.success(request, _("%(count)d notes de conduite validées.") % {"count": len(items)})
    else:
        messages.info(request, _("Toutes les notes de conduite sont déjà celles suggérées."))
    return redirect(url)


@require_http_methods(["GET", "HEAD", "POST"])
def conduct_rule(request):
    establishments = [
        e for e in _staff_establishments(request) if policies.can_edit_conduct_rule(request.user, e)
    ]
    if not establishments:
        raise Http404
    chosen = request.POST.get("etablissement") or request.GET.get("etablissement")
    establishment = establishments[0]
    if chosen:
        establishment = next((e for e in establishments if str(e.public_id) == chosen), None)
        if establishment is None:
            raise Http404
    rule = conduct_service.rule_for(establishment)
    if request.method == "POST":
        form = ConductRuleForm(request.POST)
        if form.is_valid():
            try:
                conduct_service.update_rule(
                    actor=request.user,
                    establishment=establishment,
                    values=form.cleaned_data,
                    expected_version=form.cleaned_data["version"],
                )
            except errors.DomainError as error:
                field = (error.details or {}).get("field") if isinstance(error.details, dict) else None
                form.add_error(field if field in form.fields else None, str(error.message))
            else:
                messages.success(request, _("Règle de la note de conduite enregistrée."))
                return redirect(
                    reverse("schoollife:conduct_rule")
                    + (f"?etablissement={establishment.public_id}" if len(establishments) > 1 else "")
                )
        status = 422
    else:
        form = ConductRuleForm(initial=rule_initial(rule))
        status = 200
    return render(
        request,
        "schoollife/conduct_rule.html",
        {"form": form, "rule": rule, "establishment": establishment, "establishments": establishments},
        status=status,
    )
