"""Who may publish and read report cards.

- Publish for a class (or one of its students): the class's main teacher, the head and deputies
  (`grades.policies.can_run_council`); for the whole establishment: the head and deputies.
- Read a card: the student, their guardians, the administrative staff of the establishment, and the
  class's teachers (directly or through a group of the class). Anyone else gets 404.
- A batch: the person who started it, and the head and deputies of its establishment."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from carnet.core.errors import PermissionDenied
from carnet.grades import policies as grades_policies
from carnet.reportcards.models import ReportCard, ReportCardBatch
from carnet.school import policies as school_policies
from carnet.school.models import SchoolClass, StaffFunction
from carnet.school.roles import roles_of

K = StaffFunction.Kind
PUBLISHERS = frozenset({K.HEAD, K.DEPUTY})


def can_publish(actor, school_class: SchoolClass) -> bool:
    return grades_policies.can_run_council(actor, school_class)


def ensure_can_publish(actor, school_class: SchoolClass) -> None:
    if not can_publish(actor, school_class):
        raise PermissionDenied()


def can_publish_establishment(actor, establishment) -> bool:
    return roles_of(actor).has_function(establishment.pk, *PUBLISHERS)


def ensure_can_publish_establishment(actor, establishment) -> None:
    if not can_publish_establishment(actor, establishment):
        raise PermissionDenied()


def classes_publishable_by(actor) -> QuerySet[SchoolClass]:
    """Current-year classes this person may publish report cards for."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return SchoolClass.objects.none()
    heads = [e for e, kinds in roles.functions.items() if kinds & PUBLISHERS]
    return (
        SchoolClass.objects.filter(school_year__is_current=True)
        .filter(Q(establishment_id__in=heads) | Q(id__in=roles.main_teacher_class_ids))
        .select_related("establishment", "school_year", "level")
    )


def classes_readable_by(actor) -> QuerySet[SchoolClass]:
    """Classes whose list of report cards this person may read: every class of an establishment
    they administer, the classes they teach or are the main teacher of."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return SchoolClass.objects.none()
    taught = school_policies.classes_taught_by(actor).values("id")
    return SchoolClass.objects.filter(
        Q(establishment_id__in=roles.administrative_establishment_ids)
        | Q(id__in=taught)
        | Q(id__in=roles.main_teacher_class_ids)
    )


def cards_visible_to(actor) -> QuerySet[ReportCard]:
    roles = roles_of(actor)
    if roles.user_id is None:
        return ReportCard.objects.none()
    taught = school_policies.classes_taught_by(actor).values("id")
    return ReportCard.objects.filter(
        Q(student_id=roles.user_id)
        | Q(student_id__in=roles.child_ids)
        | Q(establishment_id__in=roles.administrative_establishment_ids)
        | Q(school_class_id__in=taught)
        | Q(school_class_id__in=roles.main_teacher_class_ids)
    )


def family_cards_of(actor) -> QuerySet[ReportCard]:
    """One's own and one's children's cards (what the family pages and the API list)."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return ReportCard.objects.none()
    return ReportCard.objects.filter(Q(student_id=roles.user_id) | Q(student_id__in=roles.child_ids))


def batches_visible_to(actor) -> QuerySet[ReportCardBatch]:
    roles = roles_of(actor)
    if roles.user_id is None:
        return ReportCardBatch.objects.none()
    heads = [e for e, kinds in roles.functions.items() if kinds & PUBLISHERS]
    return ReportCardBatch.objects.filter(Q(created_by_id=roles.user_id) | Q(establishment_id__in=heads))
