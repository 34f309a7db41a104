"""A class's students, for the staff of its establishment and its teachers."""

import datetime as dt
from uuid import UUID

from django.db.models import CharField, F, Q, QuerySet, Value
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.school import policies
from carnet.school.models import Enrollment, SchoolClass
from carnet.school.roles import current_enrollment_q, roles_of

router = Router(tags=["classes"])


def class_lists_visible_to(actor) -> QuerySet[SchoolClass]:
    """Classes whose list of students this person may read: every class of the current year in an
    establishment they administer, and the classes they teach (directly or through a group).
    Students and guardians see none: they find classmates through the directory."""
    roles = roles_of(actor)
    taught = policies.classes_taught_by(actor).values("id")
    return policies.classes_visible_to(actor).filter(
        Q(establishment_id__in=roles.administrative_establishment_ids) | Q(id__in=taught)
    )


class ClassStudentOut(Schema):
    """Built from an enrollment of the class, with its student."""

    id: UUID
    first_name: str
    last_name: str
    full_name: str
    sex: str = Field(description="F, M, ou vide si non précisé.")
    birth_date: dt.date | None
    is_repeating: bool = Field(description="Redoublant cette année.")
    enrolled_on: dt.date = Field(description="Date d'entrée dans la classe.")
    national_id: str | None = Field(
        description="INE ou matricule EducMaster ; donné au seul personnel administratif, null pour les enseignants."
    )

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.student.public_id

    @staticmethod
    def resolve_first_name(obj) -> str:
        return obj.student.first_name

    @staticmethod
    def resolve_last_name(obj) -> str:
        return obj.student.last_name

    @staticmethod
    def resolve_full_name(obj) -> str:
        return obj.student.full_name

    @staticmethod
    def resolve_sex(obj) -> str:
        return obj.student.sex

    @staticmethod
    def resolve_birth_date(obj) -> dt.date | None:
        return obj.student.birth_date

    @staticmethod
    def resolve_enrolled_on(obj) -> dt.date:
        return obj.starts_on

    @staticmethod
    def resolve_national_id(obj) -> str | None:
        return obj.visible_national_id


@router.get(
    "/{public_id}/students",
    response={200: list[ClassStudentOut], **error_responses(401, 404)},
    summary=_("Élèves d'une classe"),
    description=_(
        "Les élèves inscrits dans la classe aujourd'hui, par ordre alphabétique. Pour le personnel de "
        "l'établissement et les enseignants de la classe ; toute autre personne reçoit 404 `not_found`, "
        "comme pour une classe qui n'existe pas."
    ),
)
def class_students(request, public_id: UUID):
    school_class = get_object_or_404(class_lists_visible_to(request.user), public_id=public_id)
    shows_national_id = roles_of(request.user).is_administrative_in(school_class.establishment_id)
    return list(
        Enrollment.objects.filter(current_enrollment_q(), school_class=school_class, student__is_active=True)
        .select_related("student")
        .annotate(
            visible_national_id=F("national_id")
            if shows_national_id
            else Value(None, output_field=CharField())
        )
        .order_by("student__last_name", "student__first_name", "student_id")
    )
