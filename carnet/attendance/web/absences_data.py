"""Reads of the absences pages and API, always starting from a `policies.*_visible_to` scope.

List reads run a constant number of queries: the student's current class comes from a
sub-query annotation, not one query per row."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from carnet.attendance import policies
from carnet.attendance.models import (
    Absence,
    AbsenceDeclaration,
    FamilyContact,
    Lateness,
    Regularisation,
    WatchEntry,
)
from carnet.attendance.services.settings import days_range, school_day_test, settings_for, zone_of
from carnet.attendance.summaries import explain_half_days
from carnet.core.http import uuid_or_404
from carnet.school.family import Viewer
from carnet.school.models import Enrollment, Establishment, SchoolClass, SchoolYear
from carnet.school.roles import current_enrollment_q

PAGE_SIZE = 50

#: State filters of the staff list: "a_regulariser" (default) is "to justify".
STATE_FILTERS = {
    "a_regulariser": (Regularisation.TO_JUSTIFY,),
    "justifiees": (Regularisation.JUSTIFIED,),
    "non_justifiees": (Regularisation.UNJUSTIFIED,),
    "toutes": (Regularisation.TO_JUSTIFY, Regularisation.JUSTIFIED, Regularisation.UNJUSTIFIED),
}


def parse_uuid(value) -> uuid.UUID | None:
    """None for an empty value, else `value` as a UUID (404 when it is not one)."""
    return uuid_or_404(value) if value else None


def parse_day(value) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def class_name_subquery(student_field: str = "student_id"):
    """The name of the student's current class in the row's establishment."""
    return Subquery(
        Enrollment.objects.filter(
            current_enrollment_q(),
            student_id=OuterRef(student_field),
            establishment_id=OuterRef("establishment_id"),
        )
        .order_by("-starts_on")
        .values("school_class__name")[:1]
    )


# --- which establishment a staff page is about --------------------------------------------------
def staff_establishment(request, *, manage: bool = False) -> tuple[Establishment, list[Establishment]]:
    """The establishment chosen with `?etablissement=` among those where the person reads (or,
    with `manage`, manages) attendance; PermissionDenied for someone with none, 404 for another."""
    from django.core.exceptions import PermissionDenied

    scope = policies.managed_establishments if manage else policies.read_establishments
    establishments = list(scope(request.user))
    if not establishments:
        raise PermissionDenied
    chosen = request.POST.get("etablissement") or request.GET.get("etablissement")
    if chosen:
        wanted = parse_uuid(chosen)
        for establishment in establishments:
            if establishment.public_id == wanted:
                return establishment, establishments
        raise Http404
    return establishments[0], establishments


def current_classes(establishment) -> list[SchoolClass]:
    return list(
        SchoolClass.objects.filter(establishment=establishment, school_year__is_current=True)
        .select_related("level")
        .order_by("level__rank", "normalized_name")
    )


def current_year(establishment) -> SchoolYear | None:
    return SchoolYear.objects.filter(establishment=establishment, is_current=True).first()


# --- staff lists --------------------------------------------------------------------------------
@dataclass
class ListFilters:
    kind: str = "absences"  # or "retards"
    state: str = "a_regulariser"
    school_class: SchoolClass | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    student: uuid.UUID | None = None

    def query(self, **extra) -> str:
        from django.utils.http import urlencode

        values: dict[str, Any] = {"type": self.kind, "etat": self.state}
        if self.school_class is not None:
            values["classe"] = str(self.school_class.public_id)
        if self.since:
            values["du"] = self.since.isoformat()
        if self.until:
            values["au"] = self.until.isoformat()
        if self.student:
            values["eleve"] = str(self.student)
        values.update(extra)
        return urlencode(values)


def read_filters(params, classes: list[SchoolClass]) -> ListFilters:
    filters = ListFilters()
    if params.get("type") == "retards":
        filters.kind = "retards"
    if params.get("etat") in STATE_FILTERS:
        filters.state = params["etat"]
    wanted = parse_uuid(params.get("classe"))
    if wanted:
        filters.school_class = next((c for c in classes if c.public_id == wanted), None)
        if filters.school_class is None:
            raise Http404
    filters.since = parse_day(params.get("du"))
    filters.until = parse_day(params.get("au"))
    filters.student = parse_uuid(params.get("eleve"))
    return filters


def _in_class(school_class: SchoolClass) -> Q:
    return Q(
        student_id__in=Enrollment.objects.filter(current_enrollment_q(), school_class=school_class).values(
            "student_id"
        )
    )


def staff_absences(actor, establishment, filters: ListFilters) -> QuerySet[Absence]:
    rows = policies.absences_visible_to(actor).filter(
        establishment=establishment, state__in=STATE_FILTERS[filters.state]
    )
    if filters.school_class is not None:
        rows = rows.filter(_in_class(filters.school_class))
    if filters.student is not None:
        rows = rows.filter(student__public_id=filters.student)
    if filters.since:
        rows = rows.filter(starts_at__gte=days_range(establishment, filters.since, filters.since)[0])
    if filters.until:
        rows = rows.filter(starts_at__lt=days_range(establishment, filters.until, filters.until)[1])
    return (
        rows.select_related("student", "reason")
        .annotate(class_name=class_name_subquery(), declaration_count=Count("declarations"))
        .order_by("-starts_at", "-id")
    )


def staff_latenesses(actor, establishment, filters: ListFilters) -> QuerySet[Lateness]:
    rows = policies.latenesses_visible_to(actor).filter(
        establishment=establishment, state__in=STATE_FILTERS[filters.state]
    )
    if filters.school_class is not None:
        rows = rows.filter(_in_class(filters.school_class))
    if filters.student is not None:
        rows = rows.filter(student__public_id=filters.student)
    if filters.since:
        rows = rows.filter(occurred_at__gte=days_range(establishment, filters.since, filters.since)[0])
    if filters.until:
        rows = rows.filter(occurred_at__lt=days_range(establishment, filters.until, filters.until)[1])
    return (
        rows.select_related("student", "reason", "session__assignment__subject")
        .annotate(class_name=class_name_subquery())
        .order_by("-occurred_at", "-id")
    )


def pending_declarations(actor, establishment) -> QuerySet[AbsenceDeclaration]:
    return policies.declarations_visible_to(actor).filter(
        establishment=establishment, status=AbsenceDeclaration.Status.PENDING
    )


def staff_counts(actor, establishment) -> dict[str, int]:
    """What the staff tabs announce: declarations to handle, students on the watch list."""
    counts = {
        "declarations": pending_declarations(actor, establishment).count(),
        "watch": 0,
    }
    if policies.can_manage_attendance(actor, establishment):
        counts["watch"] = (
            policies.watch_entries_visible_to(actor)
            .filter(establishment=establishment, cleared_at__isnull=True)
            .count()
        )
    return counts


# --- one absence --------------------------------------------------------------------------------
def absence_detail(actor, public_id) -> Absence:
    rows = policies.absences_visible_to(actor).select_related(
        "student", "reason", "establishment", "created_by"
    )
    absence = rows.filter(public_id=public_id).annotate(class_name=class_name_subquery()).first()
    if absence is None:
        raise Http404
    return absence


def lateness_detail(actor, public_id) -> Lateness:
    rows = policies.latenesses_visible_to(actor).select_related(
        "student", "reason", "establishment", "session__assignment__subject", "session__teacher"
    )
    lateness = rows.filter(public_id=public_id).annotate(class_name=class_name_subquery()).first()
    if lateness is None:
        raise Http404
    return lateness


def explanation_of(absence: Absence) -> str:
    """How the absence is counted, in words (two queries)."""
    establishment = absence.establishment
    settings = settings_for(establishment)
    zone = zone_of(establishment)
    first = timezone.localtime(absence.starts_at, zone).date()
    last = timezone.localtime(absence.ends_at, zone).date()
    counts_day = school_day_test(establishment, first, last)
    return explain_half_days(absence, settings.afternoon_starts_at, zone, counts_day)


def sessions_of(absence: Absence) -> list:
    return list(
        absence.sessions.select_related("assignment__subject", "teacher").order_by("held_on", "start_time")
    )


def contacts_of(actor, student, establishment, limit: int = 20) -> list[FamilyContact]:
    return list(
        policies.contacts_visible_to(actor)
        .filter(establishment=establishment, student=student)
        .select_related("recorded_by", "absence")
        .order_by("-contacted_at", "-id")[:limit]
    )


def declarations_about(actor, absence: Absence) -> list[AbsenceDeclaration]:
    """Declarations linked to the absence, and those of the same student overlapping it."""
    return list(
        policies.declarations_visible_to(actor)
        .filter(establishment_id=absence.establishment_id, student_id=absence.student_id)
        .filter(Q(absences=absence) | Q(starts_at__lt=absence.ends_at, ends_at__gt=absence.starts_at))
        .select_related("reason", "declared_by", "decided_by")
        .distinct()
        .order_by("-created_at")
    )


# --- family side --------------------------------------------------------------------------------
@dataclass
class FamilyPage:
    establishment: Any
    year: Any
    absences: list
    latenesses: list
    declarations: list
    totals: dict
    rule: str
    afternoon: dt.time


def family_page(viewer: Viewer) -> FamilyPage | None:
    """The student's absences and lateness of the current school year with how each is counted,
    the totals and (for a guardian) the declarations. A constant number of queries."""
    from carnet.attendance.summaries import explain_rule, student_summary

    enrollment = viewer.enrollment
    if enrollment is None:
        return None
    establishment = enrollment.establishment
    year = enrollment.school_year
    settings = settings_for(establishment)
    zone = zone_of(establishment)
    absences = list(
        policies.absences_visible_to(viewer.user)
        .filter(establishment=establishment, student=viewer.student, school_year=year)
        .select_related("reason")
        .order_by("-starts_at")
    )
    counts_day = school_day_test(establishment, year.starts_on, year.ends_on)
    for absence in absences:
        absence.explanation = explain_half_days(absence, settings.afternoon_starts_at, zone, counts_day)  # type: ignore[attr-defined]
        absence.local_start = timezone.localtime(absence.starts_at, zone)  # type: ignore[attr-defined]
        absence.local_end = timezone.localtime(absence.ends_at, zone)  # type: ignore[attr-defined]
    latenesses = list(
        policies.latenesses_visible_to(viewer.user)
        .filter(establishment=establishment, student=viewer.student, school_year=year)
        .select_related("reason", "session__assignment__subject")
        .order_by("-occurred_at")
    )
    declarations = []
    if viewer.is_guardian:
        declarations = list(
            policies.declarations_visible_to(viewer.user)
            .filter(establishment=establishment, student=viewer.student)
            .select_related("reason", "declared_by")
            .order_by("-created_at")[:30]
        )
    totals = student_summary(
        viewer.student, since=year.starts_on, until=year.ends_on, establishment=establishment
    )
    return FamilyPage(
        establishment=establishment,
        year=year,
        absences=absences,
        latenesses=latenesses,
        declarations=declarations,
        totals=totals,
        rule=explain_rule(settings.afternoon_starts_at),
        afternoon=settings.afternoon_starts_at,
    )


# --- watch list ---------------------------------------------------------------------------------
def open_watch_entries(actor, establishment) -> QuerySet[WatchEntry]:
    return (
        policies.watch_entries_visible_to(actor)
        .filter(establishment=establishment, cleared_at__isnull=True)
        .select_related("student", "rule")
        .annotate(class_name=class_name_subquery())
        .order_by("-raised_at", "-id")
    )


def recently_cleared(actor, establishment, days: int = 30) -> QuerySet[WatchEntry]:
    return (
        policies.watch_entries_visible_to(actor)
        .filter(establishment=establishment, cleared_at__gte=timezone.now() - dt.timedelta(days=days))
        .select_related("student", "rule", "cleared_by")
        .annotate(class_name=class_name_subquery())
        .order_by("-cleared_at", "-id")[:50]
    )
