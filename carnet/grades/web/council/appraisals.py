"""/notes/appreciations/: the teachers' fast list of appraisals — one row per student with their
average and a text area, saved on leaving the field through the API (`api/council.py`), with Tab to
the next student and Ctrl+Enter to save and go on. A subject list per teaching assignment, and the
main teacher's general appraisal per class."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carnet.grades import policies
from carnet.grades.computation import period_results
from carnet.grades.models import Appraisal
from carnet.grades.services import locks
from carnet.grades.services.appraisals import MAX_LENGTH
from carnet.grades.web.council.common import period_of
from carnet.school.models import Enrollment, Period, SchoolClass
from carnet.school.roles import roles_of

#: Phrases a teacher inserts with one click (then edits).
PHRASES = [
    gettext_lazy("Bon trimestre."),
    gettext_lazy("Très bon travail, continuez ainsi."),
    gettext_lazy("Des efforts à poursuivre."),
    gettext_lazy("Ensemble satisfaisant."),
    gettext_lazy("Travail irrégulier."),
    gettext_lazy("Participation à développer à l'oral."),
    gettext_lazy("Des progrès encourageants."),
    gettext_lazy("Résultats insuffisants : il faut se mettre au travail."),
]


def home(request):
    """The teacher's assignments and main-teacher classes, each with a link per period."""
    roles = roles_of(request.user)
    assignments = list(
        policies.assignments_editable_by(request.user)
        .select_related("subject", "school_class", "group", "establishment")
        .order_by("establishment__name", "subject__name", "school_class__normalized_name", "group__normalized_name")
    )
    main_classes = list(
        SchoolClass.objects.filter(id__in=roles.main_teacher_class_ids, school_year__is_current=True).order_by(
            "normalized_name"
        )
    )
    if not assignments and not main_classes:
        raise PermissionDenied
    year_ids = {a.school_year_id for a in assignments} | {c.school_year_id for c in main_classes}
    periods: dict[int, list[Period]] = {}
    for period in Period.objects.filter(school_year_id__in=year_ids).order_by("number"):
        periods.setdefault(period.school_year_id, []).append(period)
    return render(
        request,
        "grades/council/appraisals_home.html",
        {
            "assignments": [
                {"assignment": a, "target": a.school_class or a.group, "periods": periods.get(a.school_year_id, [])}
                for a in assignments
            ],
            "main_classes": [{"school_class": c, "periods": periods.get(c.school_year_id, [])} for c in main_classes],
        },
    )


def _classes_of(students, period: Period) -> dict[int, SchoolClass]:
    rows = (
        Enrollment.objects.filter(student__in=students, school_year_id=period.school_year_id)
        .select_related("school_class")
        .order_by("student_id", F("ends_on").desc(nulls_first=True), "-starts_on")
    )
    classes: dict[int, SchoolClass] = {}
    for enrollment in rows:
        classes.setdefault(enrollment.student_id, enrollment.school_class)
    return classes


def _page(request, *, kind, period, students, averages, locked, title, eyebrow, subject=None, tabs, average_label):
    lookup = {"period": period, "kind": kind, "student__in": students}
    if subject is not None:
        lookup["subject"] = subject
    appraisals = {a.student_id: a for a in Appraisal.objects.filter(**lookup).select_related("author")}
    rows = [
        {"student": s, "average": averages.get(s.pk), "appraisal": appraisals.get(s.pk)}
        for s in students
    ]
    return render(
        request,
        "grades/council/appraisals.html",
        {
            "title": title,
            "eyebrow": eyebrow,
            "kind": kind,
            "period": period,
            "subject": subject,
            "rows": rows,
            "locked": locked,
            "tabs": tabs,
            "phrases": PHRASES,
            "max_length": MAX_LENGTH,
            "average_label": average_label,
            "endpoint": reverse("api:grades_appraisal_save"),
            "written": sum(1 for r in rows if r["appraisal"] and r["appraisal"].text),
        },
    )


def subject(request, assignment_id, period_id):
    assignment = get_object_or_404(
        policies.assignments_editable_by(request.user).select_related("subject", "school_class", "group", "school_year"),
        public_id=assignment_id,
    )
    period = get_object_or_404(Period, public_id=period_id, school_year_id=assignment.school_year_id)
    students = list(policies.students_of_assignment(assignment))
    key = str(assignment.subject.public_id)
    if assignment.school_class_id:
        classes = {s.pk: assignment.school_class for s in students}
    else:
        classes = _classes_of(students, period)
    averages = {}
    locked_classes = set()
    for school_class in {c.pk: c for c in classes.values() if c is not None}.values():
        results = period_results(school_class=school_class, period=period, audience="teacher")
        for info in results.students:
            result = results.subject_result(info.user.pk, key, explain=False)
            averages[info.user.pk] = result.value if result else None
        if locks.is_locked(period, school_class):
            locked_classes.add(school_class.pk)
    target = assignment.school_class or assignment.group
    periods = Period.objects.filter(school_year_id=assignment.school_year_id).order_by("number")
    return _page(
        request,
        kind=Appraisal.Kind.SUBJECT,
        period=period,
        students=students,
        averages=averages,
        locked=bool(locked_classes),
        title=_("%(subject)s · %(target)s") % {"subject": assignment.subject.name, "target": target},
        eyebrow=_("Appréciations · %(period)s") % {"period": period.name},
        subject=assignment.subject,
        tabs=[(p, reverse("grades:appraisals", args=[assignment.public_id, p.public_id])) for p in periods],
        average_label=_("Moy. %(subject)s") % {"subject": assignment.subject.short_name or assignment.subject.name},
    )


def main_teacher(request, class_id, period_id):
    roles = roles_of(request.user)
    school_class = get_object_or_404(
        SchoolClass.objects.filter(id__in=roles.main_teacher_class_ids, school_year__is_current=True), public_id=class_id
    )
    period = period_of(school_class, period_id)
    results = period_results(school_class=school_class, period=period, audience="teacher")
    students = [info.user for info in results.students]
    averages = {info.user.pk: results.general(info.user.pk, explain=False).value for info in results.students}
    periods = Period.objects.filter(school_year_id=school_class.school_year_id).order_by("number")
    return _page(
        request,
        kind=Appraisal.Kind.MAIN_TEACHER,
        period=period,
        students=students,
        averages=averages,
        locked=locks.is_locked(period, school_class),
        title=_("Appréciation générale · %(name)s") % {"name": school_class.name},
        eyebrow=_("Professeur principal · %(period)s") % {"period": period.name},
        tabs=[(p, reverse("grades:appraisals_main", args=[school_class.public_id, p.public_id])) for p in periods],
        average_label=_("Moy. gén."),
    )
