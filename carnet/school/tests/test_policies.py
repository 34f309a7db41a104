"""Scopes of the school's objects: allowed, refused and the outsider."""

import pytest

from carnet.school import policies
from carnet.school.roles import roles_of

pytestmark = pytest.mark.django_db


def ids(qs):
    return set(qs.values_list("username", flat=True))


def test_roles_read_from_relations(world):
    assert roles_of(world.head).is_staff_member
    assert roles_of(world.teacher_maths).is_teacher
    assert world.seconde_a.pk in roles_of(world.teacher_maths).main_teacher_class_ids
    assert roles_of(world.alice).is_student and not roles_of(world.alice).is_teacher
    assert roles_of(world.alice_mother).child_ids == {world.alice.pk, world.chloe.pk}
    both = roles_of(world.teacher_french)
    assert both.is_teacher and both.is_guardian and both.sides == ["teacher", "guardian"]


def test_students_visible_to_each_side(world):
    assert ids(policies.students_visible_to(world.head)) == {"alice.martin", "bruno.francais", "chloe.durand"}
    assert ids(policies.students_visible_to(world.teacher_french)) == {"chloe.durand", "bruno.francais"}
    assert ids(policies.students_visible_to(world.alice_mother)) == {"alice.martin", "chloe.durand"}
    assert ids(policies.students_visible_to(world.alice)) == {"alice.martin"}
    assert ids(policies.students_visible_to(world.outsider)) == {"koffi.dossou"}


def test_directory_never_crosses_establishments(world):
    for name, person in world.people().items():
        visible = policies.people_visible_to(person)
        if name in {"outsider", "dossou", "dossou_parent"}:
            assert not visible.filter(pk__in=[world.head.pk, world.alice.pk]).exists(), name
        else:
            assert not visible.filter(pk__in=[world.outsider.pk, world.dossou.pk]).exists(), name


def test_directory_of_a_guardian(world):
    visible = ids(policies.people_visible_to(world.chloe_father))
    assert {"chloe.durand", "helene.proviseur", "marc.maths", "fanny.francais"} <= visible
    assert "alice.martin" not in visible
    assert "anne.martin" not in visible


def test_removing_a_guardianship_ends_access_at_once(world):
    from carnet.school.models import Guardianship
    from carnet.school.roles import forget_roles

    assert policies.can_view_student(world.chloe_father, world.chloe)
    Guardianship.objects.filter(guardian=world.chloe_father).delete()
    forget_roles(world.chloe_father)
    assert not policies.can_view_student(world.chloe_father, world.chloe)


def test_account_managers(world):
    assert policies.can_manage_accounts(world.secretary, world.lycee)
    assert not policies.can_manage_accounts(world.teacher_maths, world.lycee)
    assert not policies.can_manage_accounts(world.outsider, world.lycee)
    assert policies.can_reset_account(world.secretary, world.alice_mother)
    assert not policies.can_reset_account(world.secretary, world.head)
    assert not policies.can_reset_account(world.secretary, world.outsider)
    assert not policies.can_reset_account(world.teacher_maths, world.alice)
