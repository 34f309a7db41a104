"""The signed-in person: who they are, their sides, their establishments; their children (for a
guardian) and their teaching (for a teacher)."""

import datetime as dt
from decimal import Decimal
from uuid import UUID

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from ninja import Field, Router, Schema

from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.core.errors import PermissionDenied
from carnet.school import policies
from carnet.school.api.schemas import ClassRef, EstablishmentRef, FunctionOut, PersonRef
from carnet.school.models import Enrollment, Establishment, Guardianship, StaffFunction, TeachingGroup
from carnet.school.roles import current_enrollment_q, roles_of

router = Router(tags=["me"])


# --- me -------------------------------------------------------------------------------------------
class MyEstablishmentOut(EstablishmentRef):
    functions: list[FunctionOut] = Field(description="Vos fonctions dans cet établissement.")
    is_student: bool = Field(description="Vous y êtes élève.")
    is_guardian: bool = Field(description="Vous y êtes responsable d'au moins un élève.")
    national_id_label: str = Field(
        description="Nom de l'identifiant national des élèves : INE ou matricule EducMaster."
    )


class MeOut(Schema):
    id: UUID
    first_name: str
    last_name: str
    full_name: str
    username: str
    email: str
    phone: str
    language: str
    sides: list[str] = Field(
        description="Vos côtés, le plus étendu d'abord : staff (personnel administratif), teacher, guardian, student."
    )
    has_totp: bool
    must_change_password: bool
    establishments: list[MyEstablishmentOut]


def _function_labels(kinds) -> list[dict]:
    return [{"kind": kind, "label": str(StaffFunction.Kind(kind).label)} for kind in sorted(kinds)]


@router.get(
    "",
    response={200: MeOut, **error_responses(401)},
    summary=_("Moi"),
    description=_(
        "Qui vous êtes, vos côtés (personnel, enseignant, responsable, élève) et les établissements où vous avez un rôle."
    ),
)
def me(request):
    user = request.user
    roles = roles_of(user)
    establishments = []
    for establishment in Establishment.objects.filter(id__in=roles.establishment_ids).order_by("name"):
        establishment.functions = _function_labels(roles.functions.get(establishment.pk, ()))
        establishment.is_student = establishment.pk in roles.student_establishment_ids
        establishment.is_guardian = establishment.pk in roles.child_establishment_ids
        establishments.append(establishment)
    return {
        "id": user.public_id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "full_name": user.full_name,
        "username": user.username,
        "email": user.email,
        "phone": user.phone,
        "language": user.language,
        "sides": roles.sides,
        "has_totp": user.has_totp,
        "must_change_password": user.must_change_password,
        "establishments": establishments,
    }


# --- my children ----------------------------------------------------------------------------------
class ChildOut(PersonRef):
    birth_date: dt.date | None
    relationship: str = Field(description="Votre lien avec l'enfant : mother, father, guardian, other.")
    establishment: EstablishmentRef | None
    school_class: ClassRef | None = Field(description="Sa classe cette année ; null s'il n'est plus inscrit.")
    national_id: str = Field(description="INE (France) ou matricule EducMaster (Bénin).")
    national_id_label: str


@router.get(
    "/children",
    response={200: list[ChildOut], **error_responses(401, 403)},
    summary=_("Mes enfants"),
    description=_(
        "Les enfants dont vous êtes responsable, avec leur classe et leur établissement cette année. "
        "Réservé aux responsables d'élèves (403 `forbidden` sinon)."
    ),
)
def my_children(request):
    roles = roles_of(request.user)
    if not roles.is_guardian:
        raise PermissionDenied(_("Cette liste est réservée aux responsables d'élèves."))
    enrollments = {
        e.student_id: e
        for e in Enrollment.objects.filter(
            current_enrollment_q(), student_id__in=roles.child_ids
        ).select_related("school_class__level", "establishment")
    }
    links: dict[int, Guardianship] = {}
    for link in Guardianship.objects.filter(
        guardian=request.user, student_id__in=roles.child_ids
    ).select_related("establishment"):
        enrollment = enrollments.get(link.student_id)
        # A child who changed establishment has a link in each: the current one speaks.
        if link.student_id not in links or (
            enrollment and enrollment.establishment_id == link.establishment_id
        ):
            links[link.student_id] = link
    children = []
    for child in policies.children_of(request.user):
        enrollment = enrollments.get(child.pk)
        link = links[child.pk]
        establishment = enrollment.establishment if enrollment else link.establishment
        child.relationship = link.relationship
        child.establishment = establishment
        child.school_class = enrollment.school_class if enrollment else None
        child.national_id = enrollment.national_id if enrollment else ""
        child.national_id_label = establishment.national_id_label
        children.append(child)
    return children


# --- my classes -----------------------------------------------------------------------------------
class SubjectRef(Schema):
    id: UUID
    name: str
    short_name: str
    color: str

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id


class GroupRef(Schema):
    id: UUID
    name: str
    classes: list[ClassRef]

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_classes(obj) -> list:
        return list(obj.classes.all())


class AssignmentOut(Schema):
    id: UUID
    subject: SubjectRef
    school_class: ClassRef | None = Field(description="La classe enseignée ; null pour un groupe.")
    group: GroupRef | None = Field(description="Le groupe enseigné ; null pour une classe entière.")
    establishment: EstablishmentRef
    student_count: int
    is_main_teacher: bool = Field(description="Professeur principal de la classe.")
    weekly_hours: Decimal
    coefficient: Decimal

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id


@router.get(
    "/classes",
    response={200: list[AssignmentOut], **error_responses(401, 403)},
    summary=_("Mes classes"),
    description=_(
        "Ce que vous enseignez cette année : une ligne par classe ou groupe et par matière, avec le nombre "
        "d'élèves. Réservé aux enseignants (403 `forbidden` sinon)."
    ),
)
def my_classes(request):
    if not roles_of(request.user).is_teacher:
        raise PermissionDenied(_("Cette liste est réservée aux enseignants."))
    in_class = (
        Enrollment.objects.filter(current_enrollment_q(), school_class_id=OuterRef("school_class_id"))
        .values("school_class_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    in_group = (
        TeachingGroup.students.through.objects.filter(teachinggroup_id=OuterRef("group_id"))
        .values("teachinggroup_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return list(
        policies.assignments_of_teacher(request.user)
        .select_related("school_class__level")
        .prefetch_related("group__classes__level")
        .annotate(
            student_count=Coalesce(
                Subquery(in_class, output_field=IntegerField()),
                Subquery(in_group, output_field=IntegerField()),
                0,
            )
        )
        .order_by("establishment__name", "school_class__name", "group__name", "subject__name")
    )
