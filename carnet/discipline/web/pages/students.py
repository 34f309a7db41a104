"""/discipline/eleves/<id>/ (one student's incidents and measures, for the school side: the
discipline staff of the student's establishment and the student's teachers; anyone else gets 404)
and /discipline/famille/ (what a student or a guardian reads of the student's record, as the
establishment says; a guardian picks the child with `?child=`)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from carnet.discipline import policies, selectors
from carnet.discipline.models import DisciplineSettings
from carnet.school.family import viewer_for
from carnet.school.models import Enrollment
from carnet.school.roles import current_enrollment_q

User = get_user_model()

def _enrollment(student) -> Enrollment | None:
    return (
        Enrollment.objects.filter(current_enrollment_q(), student=student)
        .select_related("school_class", "establishment")
        .first()
    )


@never_cache
def student_page(request, student_id):
    student = User.objects.filter(public_id=student_id, is_active=True).first()
    if student is None:
        raise Http404
    record = selectors.student_record(request.user, student)
    if record["audience"] not in (selectors.STAFF, selectors.TEACHER):
        raise Http404
    enrollment = _enrollment(student)
    can_decide = bool(
        enrollment
        and policies.students_for_measures(request.user, enrollment.establishment)
        .filter(pk=student.pk)
        .exists()
    )
    return render(
        request,
        "discipline/student.html",
        {
            "student": student,
            "enrollment": enrollment,
            "record": record,
            "can_decide": can_decide,
            "zone": enrollment.establishment.time_zone if enrollment else "Europe/Paris",
        },
    )


@never_cache
def family_page(request):
    viewer = viewer_for(request)
    student, audience, children, enrollment = viewer.student, viewer.audience, viewer.children, viewer.enrollment
    settings = (
        policies.settings_of([enrollment.establishment_id])[enrollment.establishment_id]
        if enrollment
        else None
    )
    if settings is None:
        shown = False
    elif audience == selectors.STUDENT:
        shown = settings.students_see
    else:
        shown = settings.guardians_see != DisciplineSettings.GuardianView.NOTHING
    record = (
        selectors.family_record(request.user, student, audience=audience)
        if shown
        else {"measures": [], "incidents": []}
    )
    incidents = {i["id"]: i for i in record["incidents"]}
    for item in record["measures"]:
        item["incident_item"] = incidents.get(item["incident"])
    return render(
        request,
        "discipline/family.html",
        {
            "student": student,
            "audience": audience,
            "children": children,
            "enrollment": enrollment,
            "settings": settings,
            "shown": shown,
            "record": record,
            "zone": enrollment.establishment.time_zone if enrollment else "Europe/Paris",
        },
    )
