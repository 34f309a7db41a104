"""Whose page a family member reads (`carnet.school.family`): oneself, or one's own child chosen
with ?child= and remembered in the session; anything else is 404."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import Http404
from django.test import RequestFactory

from carnet.core.http import uuid_or_404
from carnet.school.family import CHILD_SESSION_KEY, GUARDIAN, STUDENT, viewer_for

pytestmark = pytest.mark.django_db


def request_of(user, **query):
    request = RequestFactory().get("/", query)
    request.user = user
    request.session = SessionStore()
    return request


@pytest.mark.parametrize("value", ["", "12", "not-a-uuid", None, "0" * 33])
def test_anything_but_a_uuid_is_404(value):
    with pytest.raises(Http404):
        uuid_or_404(value)


def test_a_uuid_comes_back_as_one():
    value = uuid.uuid4()
    assert uuid_or_404(str(value)) == value


def test_a_student_reads_their_own_page_with_their_class(world):
    viewer = viewer_for(request_of(world.alice))
    assert viewer.student == world.alice and viewer.audience == STUDENT and not viewer.is_guardian
    assert viewer.enrollment.school_class == world.seconde_a
    assert viewer.child_query == ""


def test_a_guardian_picks_a_child_who_is_then_remembered(world):
    request = request_of(world.alice_mother, child=str(world.chloe.public_id))
    viewer = viewer_for(request)
    assert viewer.student == world.chloe and viewer.audience == GUARDIAN
    assert {kid.pk for kid in viewer.children} == {world.alice.pk, world.chloe.pk}
    assert viewer.child_query == f"?child={world.chloe.public_id}"
    assert request.session[CHILD_SESSION_KEY] == str(world.chloe.public_id)
    later = request_of(world.alice_mother)
    later.session = request.session
    assert viewer_for(later).student == world.chloe


def test_a_guardian_without_a_choice_reads_the_first_child(world):
    viewer = viewer_for(request_of(world.alice_mother))
    assert viewer.student == viewer.children[0]


@pytest.mark.parametrize("child", ["dossou", "bruno", "alice_mother"])
def test_someone_elses_child_is_404_and_the_choice_is_unchanged(world, child):
    request = request_of(world.alice_mother, child=str(getattr(world, child).public_id))
    with pytest.raises(Http404):
        viewer_for(request)
    assert CHILD_SESSION_KEY not in request.session


@pytest.mark.parametrize("person", ["teacher_maths", "head", "outsider"])
def test_a_person_who_is_neither_student_nor_guardian_is_404(world, person):
    with pytest.raises(Http404):
        viewer_for(request_of(getattr(world, person)))
