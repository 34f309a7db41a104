"""Guardians' declarations of absence, on the staff side ("Déclarations des parents à traiter"):

- `attendance:declarations` — the inbox (pending by default; accepted, rejected or all);
- `attendance:declaration` — one declaration with its document and the student's absences at that
  time; accept or reject it (with the version read);
- `attendance:declaration_document` — the document, for whoever sees the declaration (its staff,
  the child's guardians): 404 for anyone else, never a public URL.

The family side (declaring) is in `absences_family`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from carnet.attendance import policies
from carnet.attendance.models import AbsenceDeclaration
from carnet.attendance.services import declarations as service
from carnet.attendance.services.absences import overlapping
from carnet.attendance.services.settings import zone_of
from carnet.attendance.web import absences_data as data
from carnet.attendance.web.absences_forms import DecisionForm
from carnet.attendance.web.absences_staff import _common
from carnet.core import errors

STATUS_FILTERS = {
    "a_traiter": (AbsenceDeclaration.Status.PENDING,),
    "acceptees": (AbsenceDeclaration.Status.ACCEPTED,),
    "refusees": (AbsenceDeclaration.Status.REJECTED,),
    "toutes": tuple(AbsenceDeclaration.Status.values),
}


@never_cache
def declarations(request):
    establishment, establishments = data.staff_establishment(request)
    status = request.GET.get("etat") if request.GET.get("etat") in STATUS_FILTERS else "a_traiter"
    rows = (
        policies.declarations_visible_to(request.user)
        .filter(establishment=establishment, status__in=STATUS_FILTERS[status])
        .select_related("student", "declared_by", "reason", "decided_by")
        .annotate(class_name=data.class_name_subquery())
        .order_by("created_at" if status == "a_traiter" else "-created_at", "id")
    )
    page = Paginator(rows, data.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **_common(request, establishment, establishments),
        "tab": "declarations",
        "page": page,
        "status": status,
        "status_choices": [
            ("a_traiter", _("À traiter")),
            ("acceptees", _("Acceptées")),
            ("refusees", _("Refusées")),
            ("toutes", _("Toutes")),
        ],
    }
    return render(request, "attendance/absences/declarations.html", context)


def _declaration(request, declaration_id) -> AbsenceDeclaration:
    item = (
        policies.declarations_visible_to(request.user)
        .select_related("student", "declared_by", "reason", "decided_by", "establishment")
        .annotate(class_name=data.class_name_subquery())
        .filter(public_id=declaration_id)
        .first()
    )
    if item is None:
        raise Http404
    return item


def _page(request, item, *, form=None, conflict=None, status=200):
    establishment = item.establishment
    zone = zone_of(establishment)
    linked = list(item.absences.select_related("reason").order_by("starts_at"))
    around = list(
        overlapping(item.student, item.starts_at, item.ends_at, establishment=establishment)
        .select_related("reason")
        .order_by("starts_at")
    )
    for absence in {a.pk: a for a in [*linked, *around]}.values():
        absence.local_start = timezone.localtime(absence.starts_at, zone)
        absence.local_end = timezone.localtime(absence.ends_at, zone)
    context = {
        **_common(request, establishment, [establishment]),
        "tab": "declarations",
        "declaration": item,
        "local_start": timezone.localtime(item.starts_at, zone),
        "local_end": timezone.localtime(item.ends_at, zone),
        "linked": linked,
        "around": [a for a in around if a.pk not in {x.pk for x in linked}],
        "form": form or DecisionForm(initial={"version": item.version, "decision": "accept"}),
        "conflict": conflict,
        "is_pending": item.status == AbsenceDeclaration.Status.PENDING,
    }
    return render(request, "attendance/absences/declaration.html", context, status=status)


@never_cache
def declaration(request, declaration_id):
    item = _declaration(request, declaration_id)
    if not policies.can_read_attendance(request.user, item.establishment):
        raise PermissionDenied
    if request.method != "POST":
        return _page(request, item)
    if not policies.can_manage_attendance(request.user, item.establishment):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _page(request, item, form=form, status=422)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        decided = service.decide_declaration(
            actor=request.user,
            declaration=item,
            accept=accept,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except errors.Conflict as error:
        return _page(request, _declaration(request, declaration_id), conflict=str(error.message), status=409)
    except errors.ValidationFailed as error:
        for field, message in (error.details or {}).items():
            form.add_error(field if field in form.fields else None, message)
        return _page(request, item, form=form, status=422)
    if accept:
        count = decided.absences.count()
        messages.success(
            request,
            _("Déclaration acceptée ; %(count)s absence(s) régularisée(s). La famille est prévenue.")
            % {"count": count},
        )
    else:
        messages.success(request, _("Déclaration refusée. La famille est prévenue."))
    return redirect("attendance:declarations")


@require_safe
def declaration_document(request, declaration_id):
    item = (
        policies.declarations_visible_to(request.user)
        .filter(public_id=declaration_id)
        .exclude(document="")
        .first()
    )
    if item is None or not item.document:
        raise Http404
    return document_response(item.document, item.document_type, item.document_name)


def document_response(stored, content_type: str, name: str) -> FileResponse:
    """A private document: inline for a photo, downloaded for a PDF; never sniffed, never framed,
    never cached by a shared cache."""
    inline = content_type.startswith("image/")
    response = FileResponse(
        stored.open("rb"),
        content_type=content_type or "application/octet-stream",
        as_attachment=not inline,
        filename=name or "document",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
