"""The directory (annuaire): find people by name within `people_visible_to(viewer)`, and describe
each one by their roles in the viewer's establishments ("Enseignant · Mathématiques (2nde A)",
"Élève · 2nde A", "Responsable de Chloé DURAND", "CPE")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from carnet.identity.search import filter_by_name
from carnet.portal.french import with_name
from carnet.school import policies
from carnet.school.models import Country, Enrollment, Guardianship, StaffFunction, TeachingAssignment
from carnet.school.roles import active_function_q, current_enrollment_q, roles_of


def search_people(viewer, query: str = "") -> QuerySet:
    """People visible to `viewer` whose name or identifier contains every word of `query`, ignoring
    case and accents ("eloise" finds "Éloïse"). An empty query lists everyone visible."""
    people = filter_by_name(policies.people_visible_to(viewer), query)
    return people.order_by("last_name", "first_name", "id")


@dataclass
class RoleLabel:
    text: str
    tone: str  # badge tone: info (staff, teacher) or neutral (student, guardian)


@dataclass
class PersonCard:
    person: object
    labels: list[RoleLabel] = field(default_factory=list)
    is_student: bool = False
    show_contact: bool = False


def _staff_label(kind: str, country: str, note: str) -> str:
    benin = country == Country.BENIN
    labels: dict[str, Any] = {
        StaffFunction.Kind.HEAD: _("Chef d'établissement"),
        StaffFunction.Kind.DEPUTY: _("Censeur") if benin else _("Adjoint de direction"),
        StaffFunction.Kind.SCHOOL_LIFE: _("Surveillant général") if benin else _("CPE"),
        StaffFunction.Kind.SECRETARY: _("Secrétariat"),
        StaffFunction.Kind.IT_ADMIN: _("Administration informatique"),
        StaffFunction.Kind.TEACHER: _("Enseignant"),
        StaffFunction.Kind.GUEST: _("Invité"),
    }
    label = str(labels.get(kind, kind))
    return f"{label} · {note}" if note else label


def _teacher_word(person) -> str:
    return pgettext("female", "Enseignante") if getattr(person, "sex", "") == "F" else _("Enseignant")


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s et %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _guardian_label(children_names: list[str]) -> str:
    return with_name(_names(children_names), _("Responsable de %(name)s"), _("Responsable d'%(name)s"))


def describe(viewer, people) -> list[PersonCard]:
    """A card per person with their role labels in the viewer's establishments, and whether the
    viewer may see their contact details. Four queries whatever the number of people.

    Contact details (e-mail, phone): administrative staff see everyone's; teachers see those of
    staff and guardians; nobody else sees any (a student never sees another student's)."""
    people = list(people)
    roles = roles_of(viewer)
    establishment_ids = roles.establishment_ids
    ids = [p.pk for p in people]
    staff: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    teaching: dict[int, dict[str, list[str]]] = defaultdict(dict)
    classes: dict[int, list[str]] = defaultdict(list)
    guarded: dict[int, list[str]] = defaultdict(list)
    if ids and establishment_ids:
        for user_id, kind, country, note in (
            StaffFunction.objects.filter(active_function_q(), user_id__in=ids, establishment_id__in=establishment_ids)
            .order_by("kind")
            .values_list("user_id", "kind", "establishment__country", "note")
        ):
            staff[user_id].append((kind, country, note))
        for teacher_id, subject, class_name, group_name in (
            TeachingAssignment.objects.filter(
                teacher_id__in=ids, establishment_id__in=establishment_ids, school_year__is_current=True
            )
            .order_by("subject__name", "school_class__name", "group__name")
            .values_list("teacher_id", "subject__name", "school_class__name", "group__name")
        ):
            audiences = teaching[teacher_id].setdefault(subject, [])
            audience = class_name or group_name
            if audience and audience not in audiences:
                audiences.append(audience)
        for student_id, class_name in (
            Enrollment.objects.filter(current_enrollment_q(), student_id__in=ids, establishment_id__in=establishment_ids)
            .order_by("school_class__name")
            .values_list("student_id", "school_class__name")
        ):
            classes[student_id].append(class_name)
        for guardian_id, first, last in (
            Guardianship.objects.filter(
                guardian_id__in=ids,
                establishment_id__in=establishment_ids,
                student_id__in=policies.students_visible_to(viewer).values("id"),
            )
            .order_by("student__first_name", "student__last_name")
            .values_list("guardian_id", "student__first_name", "student__last_name")
        ):
            name = f"{first} {last.upper()}".strip()
            if name not in guarded[guardian_id]:
                guarded[guardian_id].append(name)

    sees_all_contacts = bool(roles.administrative_establishment_ids)
    sees_adult_contacts = sees_all_contacts or roles.is_teacher
    cards = []
    for person in people:
        labels: list[RoleLabel] = []
        kinds = staff.get(person.pk, [])
        for kind, country, note in kinds:
            if kind == StaffFunction.Kind.TEACHER and person.pk in teaching:
                continue
            text = _teacher_word(person) if kind == StaffFunction.Kind.TEACHER and not note else _staff_label(kind, country, note)
            labels.append(RoleLabel(text, "info"))
        if person.pk in teaching:
            subjects = [
                f"{subject} ({', '.join(audiences)})" if audiences else subject
                for subject, audiences in teaching[person.pk].items()
            ]
            labels.append(RoleLabel(f"{_teacher_word(person)} · {' · '.join(subjects)}", "info"))
        for class_name in classes.get(person.pk, []):
            labels.append(RoleLabel(_("Élève · %(class)s") % {"class": class_name}, "neutral"))
        if person.pk in guarded:
            labels.append(RoleLabel(_guardian_label(guarded[person.pk]), "neutral"))
        is_student = person.pk in classes
        show_contact = sees_all_contacts or (sees_adult_contacts and not is_student)
        cards.append(PersonCard(person=person, labels=labels, is_student=is_student, show_contact=show_contact))
    return cards
