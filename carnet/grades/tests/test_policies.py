"""Who sees and changes which assessments and marks."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from carnet.core.errors import NotFound, PermissionDenied
from carnet.grades import policies
from carnet.school.models import StaffFunction, TeachingAssignment, TeachingGroup
from carnet.testing import grades as g
from carnet.testing.factories import SubjectFactory, UserFactory, assign, give_function

pytestmark = pytest.mark.django_db


def _maths_a(world):
    return TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)


def _french_b(world):
    return TeachingAssignment.objects.get(teacher=world.teacher_french, school_class=world.seconde_b)


def _fresh(user):
    # roles are cached on the instance: tests that change relations ask again on a fresh copy
    return type(user).objects.get(pk=user.pk)


def test_editable_assessments_trio(world):
    mine = g.assessment(_maths_a(world), world.periods[0])
    other = g.assessment(_french_b(world), world.periods[0])
    assert set(policies.assessments_editable_by(world.teacher_maths)) == {mine}
    assert set(policies.assessments_editable_by(world.teacher_french)) == {other}
    assert not policies.assessments_editable_by(world.outsider).exists()
    assert not policies.assessments_editable_by(world.head).exists()
    assert not policies.assessments_editable_by(world.alice).exists()
    assert policies.can_edit_assessment(world.teacher_maths, mine)
    assert not policies.can_edit_assessment(world.teacher_french, mine)


def test_assignments_editable_by(world):
    assert set(policies.assignments_editable_by(world.teacher_maths)) == set(
        TeachingAssignment.objects.filter(teacher=world.teacher_maths)
    )
    assert not policies.assignments_editable_by(world.head).exists()


def test_co_teaching_same_class_and_subject(world):
    colleague = UserFactory(first_name="Cora", last_name="Collègue", username="cora")
    shared = assign(colleague, world.seconde_a, world.maths)
    other_subject = assign(colleague, world.seconde_a, SubjectFactory(establishment=world.lycee, name="Physique"))
    theirs = g.assessment(shared, world.periods[0])
    mine = g.assessment(_maths_a(world), world.periods[0])
    physics = g.assessment(other_subject, world.periods[0])
    assert set(policies.assessments_editable_by(world.teacher_maths)) == {mine, theirs}
    assert set(policies.assessments_editable_by(colleague)) == {mine, theirs, physics}
    # Maths in 2nde B is not shared: the colleague does not teach there.
    b = g.assessment(TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_b), world.periods[0])
    assert b not in policies.assessments_editable_by(colleague)
    assert policies.can_edit_assignment(colleague, _maths_a(world))
    assert not policies.can_edit_assignment(colleague, TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_b))


def test_co_teaching_same_group(world):
    group = TeachingGroup.objects.create(establishment=world.lycee, school_year=world.year, name="Latin")
    group.classes.add(world.seconde_a, world.seconde_b)
    group.students.add(world.alice, world.chloe)
    latin = SubjectFactory(establishment=world.lycee, name="Latin")
    a1 = TeachingAssignment.objects.create(
        establishment=world.lycee, school_year=world.year, teacher=world.teacher_maths, group=group, subject=latin
    )
    a2 = TeachingAssignment.objects.create(
        establishment=world.lycee, school_year=world.year, teacher=world.teacher_french, group=group, subject=latin
    )
    first = g.assessment(a1, world.periods[0])
    second = g.assessment(a2, world.periods[0])
    assert {first, second} <= set(policies.assessments_editable_by(_fresh(world.teacher_french)))
    assert list(policies.students_of_assignment(a1)) == [world.chloe, world.alice]  # DURAND, MARTIN
    assert set(policies.students_of_assessment(first)) == {world.alice, world.chloe}
    # a student of the group sees it once published
    assert first in policies.assessments_visible_to(world.chloe)


def test_students_of_assessment_ordered(world):
    a = g.assessment(_maths_a(world), world.periods[0])
    # alice MARTIN, bruno FRANÇAIS -> Français before Martin
    assert list(policies.students_of_assessment(a)) == [world.bruno, world.alice]


def test_visible_assessments(world):
    published = g.assessment(_maths_a(world), world.periods[0], title="publiée")
    hidden = g.assessment(_maths_a(world), world.periods[0], title="cachée", published=False)
    later = g.assessment(_maths_a(world), world.periods[0], title="plus tard")
    later.guardians_published_at = timezone.now() + dt.timedelta(hours=2)
    later.save(update_fields=["guardians_published_at"])
    b = g.assessment(_french_b(world), world.periods[0], title="français")
    # teacher: own ones, published or not
    assert set(policies.assessments_visible_to(world.teacher_maths)) == {published, hidden, later}
    # staff readers see all; the IT admin does not
    for person in (world.head, world.cpe, world.secretary):
        assert set(policies.assessments_visible_to(person)) == {published, hidden, later, b}
    it = UserFactory(username="it")
    give_function(it, world.lycee, StaffFunction.Kind.IT_ADMIN)
    assert not policies.assessments_visible_to(it).exists()
    # student: published ones of their class
    assert set(policies.assessments_visible_to(world.alice)) == {published, later}
    assert set(policies.assessments_visible_to(world.chloe)) == {b}
    # guardian: published to guardians, of their children (alice and chloé)
    assert set(policies.assessments_visible_to(world.alice_mother)) == {published, b}
    assert set(policies.assessments_visible_to(world.chloe_father)) == {b}
    # outsiders see nothing
    for person in (world.outsider, world.dossou, world.dossou_parent):
        assert not policies.assessments_visible_to(person).exists()
    # after the guardians' delay
    with time_machine.travel(timezone.now() + dt.timedelta(hours=3)):
        assert later in policies.assessments_visible_to(world.alice_mother)


def test_main_teacher_reads_class_assessments(world):
    # teacher_maths is main teacher of 2nde A; give French a class in 2nde A
    french_a = assign(world.teacher_french, world.seconde_a, world.french)
    a = g.assessment(french_a, world.periods[0], published=False)
    assert a in policies.assessments_visible_to(world.teacher_maths)
    assert a not in policies.assessments_editable_by(world.teacher_maths)
    with pytest.raises(PermissionDenied):
        policies.ensure_can_edit_assessment(world.teacher_maths, a)
    with pytest.raises(NotFound):
        policies.ensure_can_edit_assessment(world.outsider, a)
    policies.ensure_can_edit_assessment(_fresh(world.teacher_french), a)


def test_visible_marks(world):
    a = g.assessment(_maths_a(world), world.periods[0])
    hidden = g.assessment(_maths_a(world), world.periods[0], published=False)
    ma = g.mark(a, world.alice, 12)
    mb = g.mark(a, world.bruno, 8)
    mh = g.mark(hidden, world.alice, 15)
    fb = g.assessment(_french_b(world), world.periods[0])
    mc = g.mark(fb, world.chloe, 14)
    assert set(policies.marks_visible_to(world.teacher_maths)) == {ma, mb, mh}
    # Fanny teaches 2nde B and is also Bruno's mother
    assert set(policies.marks_visible_to(world.teacher_french)) == {mc, mb}
    assert set(policies.marks_visible_to(world.head)) == {ma, mb, mh, mc}
    assert set(policies.marks_visible_to(world.alice)) == {ma}
    assert set(policies.marks_visible_to(world.bruno)) == {mb}
    assert set(policies.marks_visible_to(world.alice_mother)) == {ma, mc}
    assert set(policies.marks_visible_to(world.chloe_father)) == {mc}
    for person in (world.outsider, world.dossou, world.dossou_parent):
        assert not policies.marks_visible_to(person).exists()


def test_visible_scopes_constant_queries(world, django_assert_max_num_queries):
    a = g.assessment(_maths_a(world), world.periods[0])
    g.mark(a, world.alice, 12)
    for person in (world.teacher_maths, world.head, world.alice, world.alice_mother):
        user = _fresh(person)
        with django_assert_max_num_queries(5):  # roles (4) + the scope itself
            list(policies.marks_visible_to(user))
        with django_assert_max_num_queries(1):
            list(policies.assessments_visible_to(user))


def test_students_visible_for_marks(world):
    assert set(policies.students_visible_for_marks(world.teacher_maths)) == {world.alice, world.bruno, world.chloe}
    assert set(policies.students_visible_for_marks(world.teacher_french)) == {world.chloe, world.bruno}
    assert set(policies.students_visible_for_marks(world.head)) == {world.alice, world.bruno, world.chloe}
    assert set(policies.students_visible_for_marks(world.alice)) == {world.alice}
    assert set(policies.students_visible_for_marks(world.alice_mother)) == {world.alice, world.chloe}
    assert set(policies.students_visible_for_marks(world.outsider)) == {world.dossou}
    assert set(policies.students_visible_for_marks(world.dossou_parent)) == {world.dossou}


def test_establishment_rights(world):
    lycee, ceg = world.lycee, world.ceg
    assert policies.can_manage_grading(world.head, lycee)
    assert not policies.can_manage_grading(world.cpe, lycee)
    assert not policies.can_manage_grading(world.teacher_maths, lycee)
    assert not policies.can_manage_grading(world.head, ceg)
    assert policies.can_set_conduct(world.cpe, lycee)
    assert policies.can_set_conduct(world.head, lycee)
    assert not policies.can_set_conduct(world.secretary, lycee)
    assert not policies.can_set_conduct(world.teacher_maths, lycee)
    assert not policies.can_set_conduct(world.outsider, lycee)


def test_class_rights(world):
    a, b = world.seconde_a, world.seconde_b
    assert policies.can_view_class_results(world.teacher_maths, a)
    assert policies.can_view_class_results(world.teacher_french, b)
    assert not policies.can_view_class_results(world.teacher_french, a)
    assert policies.can_view_class_results(world.cpe, a)
    assert not policies.can_view_class_results(world.alice, a)
    assert not policies.can_view_class_results(world.outsider, a)
    assert policies.can_run_council(world.teacher_maths, a)
    assert not policies.can_run_council(world.teacher_maths, b)
    assert policies.can_run_council(world.head, b)
    assert not policies.can_run_council(world.cpe, b)
    assert not policies.can_run_council(world.outsider, a)


def test_class_results_through_group(world):
    group = TeachingGroup.objects.create(establishment=world.lycee, school_year=world.year, name="Latin")
    group.classes.add(world.seconde_a)
    TeachingAssignment.objects.create(
        establishment=world.lycee, school_year=world.year, teacher=world.teacher_french, group=group, subject=world.french
    )
    assert policies.can_view_class_results(_fresh(world.teacher_french), world.seconde_a)
