"""Who sees which sessions and slots, and who manages the timetable."""

import pytest

from carnet.school.models import TeachingAssignment, TeachingGroup
from carnet.testing import timetable as tt
from carnet.testing.factories import give_function
from carnet.timetable import policies
from carnet.timetable.tests.timetable_helpers import MONDAY, session_on, small_timetable

pytestmark = pytest.mark.django_db


def _subjects(person):
    return sorted(
        (s.assignment.subject.name, (s.assignment.school_class or s.assignment.group).name)
        for s in policies.sessions_visible_to(person)
        .filter(held_on=MONDAY)
        .select_related("assignment__subject", "assignment__school_class", "assignment__group")
    )


def test_sessions_visible_to_each_role(world):
    small_timetable(world)
    everything = [("Français", "2nde B"), ("Mathématiques", "2nde A"), ("Mathématiques", "2nde B")]
    assert _subjects(world.head) == everything
    assert _subjects(world.cpe) == everything
    assert _subjects(world.secretary) == everything
    assert _subjects(world.alice) == [("Mathématiques", "2nde A")]
    assert _subjects(world.chloe) == [("Français", "2nde B"), ("Mathématiques", "2nde B")]
    assert _subjects(world.alice_mother) == everything  # Alice and Chloé
    assert _subjects(world.chloe_father) == [("Français", "2nde B"), ("Mathématiques", "2nde B")]
    # a teacher: their own lessons and the timetable of the classes they teach
    assert _subjects(world.teacher_maths) == everything
    # Fanny teaches 2nde B and is Bruno's mother (2nde A)
    assert _subjects(world.teacher_french) == everything
    assert _subjects(world.outsider) == [] and _subjects(world.dossou_parent) == []


def test_a_replacement_teacher_sees_the_session_they_teach(world):
    timetable = small_timetable(world)
    colleague = world.dossou_parent
    give_function(colleague, world.lycee, "teacher")
    session = session_on(timetable["maths_a"], MONDAY)
    assert not policies.sessions_visible_to(colleague).filter(pk=session.pk).exists()
    session.teacher = colleague
    session.save(update_fields=["teacher"])
    assert policies.sessions_visible_to(colleague).filter(pk=session.pk).exists()


def test_group_members_see_their_group_and_class_wide_groups(world):
    small_timetable(world, generate=False)
    option = TeachingGroup.objects.create(establishment=world.lycee, school_year=world.year, name="Latin")
    option.classes.add(world.seconde_a, world.seconde_b)
    option.students.add(world.chloe)
    whole = TeachingGroup.objects.create(establishment=world.lycee, school_year=world.year, name="2A entière")
    whole.classes.add(world.seconde_a)  # no member list: stands for the class
    latin = TeachingAssignment.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        teacher=world.teacher_french,
        group=option,
        subject=world.french,
    )
    whole_class = TeachingAssignment.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        teacher=world.teacher_french,
        group=whole,
        subject=world.maths,
    )
    tt.session(latin, MONDAY, start="16:00", end="17:00")
    tt.session(whole_class, MONDAY, start="17:00", end="18:00")
    assert ("Français", "Latin") in _subjects(world.chloe)
    assert ("Français", "Latin") not in _subjects(world.alice)  # in a class of the group, not a member
    assert ("Mathématiques", "2A entière") in _subjects(world.alice)
    assert ("Mathématiques", "2A entière") not in _subjects(world.chloe)


def test_who_manages_and_reads(world):
    assert policies.can_manage_timetable(world.head, world.lycee)
    assert policies.can_manage_timetable(world.cpe, world.lycee)
    assert not policies.can_manage_timetable(world.secretary, world.lycee)
    assert policies.can_read_timetable(world.secretary, world.lycee)
    for person in (world.teacher_maths, world.alice, world.alice_mother, world.outsider):
        assert not policies.can_manage_timetable(person, world.lycee)
        assert not policies.can_read_timetable(person, world.lycee)
    assert not policies.can_manage_timetable(world.head, world.ceg)
    assert set(policies.teachers_visible_to(world.head)) == {
        world.head,
        world.teacher_maths,
        world.teacher_french,
    }
    assert set(policies.teachers_visible_to(world.teacher_maths)) == {world.teacher_maths}
    room = tt.room(world.lycee)
    assert list(policies.rooms_visible_to(world.cpe)) == [room]
    assert not policies.rooms_visible_to(world.outsider).exists()
