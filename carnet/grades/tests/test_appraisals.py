"""Appraisals: who writes which kind, the 1000-character limit, conflicts, closed councils, the
audit trail; the fast-list pages and the API endpoint."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carnet.audit.models import AuditEvent
from carnet.core.errors import NotFound, PermissionDenied, ValidationFailed
from carnet.grades.errors import PeriodLocked
from carnet.grades.models import Appraisal
from carnet.grades.services.appraisals import AppraisalConflict, save_appraisal
from carnet.grades.services.council import close_council, council_for
from carnet.school.models import TeachingAssignment
from carnet.testing import grades as g
from carnet.testing.factories import UserFactory, enroll

pytestmark = pytest.mark.django_db
API = "/api/v1/grades/appraisals"


def subject_appraisal(world, actor, student, text, version=None, subject=None):
    return save_appraisal(
        actor=actor, period=world.periods[0], student=student, kind=Appraisal.Kind.SUBJECT,
        subject=subject or world.maths, text=text, expected_version=version,
    )


# --- service -----------------------------------------------------------------------------------
def test_a_subject_teacher_writes_then_changes_and_it_is_audited(world):
    first = subject_appraisal(world, world.teacher_maths, world.alice, "  Bon trimestre.  ")
    assert first.text == "Bon trimestre." and first.version == 1 and first.author == world.teacher_maths
    second = subject_appraisal(world, world.teacher_maths, world.alice, "Très bon trimestre.", version=1)
    assert second.pk == first.pk and second.version == 2
    same = subject_appraisal(world, world.teacher_maths, world.alice, "Très bon trimestre.", version=2)
    assert same.version == 2
    events = list(AuditEvent.objects.filter(action="grades.appraisal_saved").order_by("id"))
    assert [e.changes["text"] for e in events] == [["", "Bon trimestre."], ["Bon trimestre.", "Très bon trimestre."]]
    assert "Mathématiques" in events[0].object_repr and events[0].establishment_id == world.lycee.pk


def test_a_conflict_carries_who_when_and_the_current_text(world):
    subject_appraisal(world, world.teacher_maths, world.alice, "Version A")
    with pytest.raises(AppraisalConflict) as caught:
        subject_appraisal(world, world.teacher_maths, world.alice, "Version B", version=None)
    error = caught.value
    assert error.code == "appraisal_conflict" and error.status == 409
    assert error.details["current_text"] == "Version A" and error.details["version"] == 1
    assert error.details["updated_by"] == world.teacher_maths.full_name and error.details["updated_at"]
    assert Appraisal.objects.get().text == "Version A"


def test_too_long_is_refused(world):
    with pytest.raises(ValidationFailed):
        subject_appraisal(world, world.teacher_maths, world.alice, "x" * 1001)
    assert subject_appraisal(world, world.teacher_maths, world.alice, "x" * 1000).text == "x" * 1000


def test_who_writes_which_kind(world):
    period = world.periods[0]
    # teacher_french teaches French in 2nde B only
    subject_appraisal(world, world.teacher_french, world.chloe, "Bien", subject=world.french)
    with pytest.raises(PermissionDenied):
        subject_appraisal(world, world.teacher_french, world.chloe, "Bien", subject=world.maths)
    with pytest.raises(NotFound):
        subject_appraisal(world, world.teacher_french, world.alice, "Bien", subject=world.french)
    with pytest.raises(NotFound):
        subject_appraisal(world, world.outsider, world.alice, "Bien")
    with pytest.raises(PermissionDenied):  # her mother sees Alice, and writes nothing
        subject_appraisal(world, world.alice_mother, world.alice, "Bien")
    # the head reads everyone but writes no subject appraisal
    with pytest.raises(PermissionDenied):
        subject_appraisal(world, world.head, world.alice, "Bien")
    # main teacher: teacher_maths for 2nde A, not for 2nde B
    save_appraisal(actor=world.teacher_maths, period=period, student=world.alice, kind="main_teacher",
                   text="Élève sérieuse.", expected_version=None)
    with pytest.raises(PermissionDenied):
        save_appraisal(actor=world.teacher_maths, period=period, student=world.chloe, kind="main_teacher",
                       text="Élève sérieuse.", expected_version=None)
    # council: main teacher and head
    save_appraisal(actor=world.head, period=period, student=world.chloe, kind="council", text="Bien",
                   expected_version=None)
    with pytest.raises(PermissionDenied):
        save_appraisal(actor=world.cpe, period=period, student=world.chloe, kind="council", text="Bien",
                       expected_version=None)
    with pytest.raises(ValidationFailed):
        save_appraisal(actor=world.teacher_maths, period=period, student=world.alice, kind="subject",
                       text="Bien", expected_version=None)
    assert Appraisal.objects.count() == 3


def test_a_teacher_of_a_group_writes_for_its_members(world):
    from carnet.school.models import TeachingGroup

    group = TeachingGroup.objects.create(establishment=world.lycee, school_year=world.year, name="Latin")
    group.classes.add(world.seconde_a)
    group.students.add(world.bruno)
    latin = world.french.__class__.objects.create(establishment=world.lycee, name="Latin", short_name="LAT")
    teacher = UserFactory(first_name="Luc", last_name="Latin", username="luc.latin")
    TeachingAssignment.objects.create(
        establishment=world.lycee, school_year=world.year, teacher=teacher, group=group, subject=latin
    )
    subject_appraisal(world, teacher, world.bruno, "Bon latiniste", subject=latin)
    with pytest.raises(NotFound):
        subject_appraisal(world, teacher, world.alice, "Bon latiniste", subject=latin)


def test_a_closed_council_refuses_appraisals(world):
    council = council_for(period=world.periods[0], school_class=world.seconde_a)
    close_council(actor=world.head, council=council, expected_version=council.version)
    with pytest.raises(PeriodLocked):
        subject_appraisal(world, world.teacher_maths, world.alice, "Trop tard")
    # 2nde B is not locked
    subject_appraisal(world, world.teacher_maths, world.chloe, "À temps")
    assert Appraisal.objects.count() == 1


# --- pages -------------------------------------------------------------------------------------
def maths_a(world):
    return TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)


def test_the_fast_list_shows_students_averages_and_texts(world, login):
    assignment = maths_a(world)
    assessment = g.assessment(assignment, world.periods[0])
    g.mark(assessment, world.alice, "13.5")
    subject_appraisal(world, world.teacher_maths, world.alice, "Bon trimestre.")
    url = reverse("grades:appraisals", args=[assignment.public_id, world.periods[0].public_id])
    response = login(world.teacher_maths).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "MARTIN Alice" in body and "FRANÇAIS Bruno" in body and "13,50" in body
    assert "Bon trimestre." in body and 'data-version="1"' in body
    assert "Des efforts à poursuivre" in body  # a phrase chip
    assert "Chloé" not in body


def test_the_fast_list_for_others_is_not_found(world, login):
    url = reverse("grades:appraisals", args=[maths_a(world).public_id, world.periods[0].public_id])
    for person in (world.teacher_french, world.head, world.outsider, world.alice, world.alice_mother):
        assert login(person).get(url).status_code == 404


def test_the_fast_list_is_read_only_once_the_council_is_closed(world, login):
    council = council_for(period=world.periods[0], school_class=world.seconde_a)
    close_council(actor=world.head, council=council, expected_version=council.version)
    url = reverse("grades:appraisals", args=[maths_a(world).public_id, world.periods[0].public_id])
    body = login(world.teacher_maths).get(url).content.decode()
    assert "lecture seule" in body and " readonly" in body


def test_the_main_teacher_list(world, login):
    url = reverse("grades:appraisals_main", args=[world.seconde_a.public_id, world.periods[0].public_id])
    response = login(world.teacher_maths).get(url)
    assert response.status_code == 200 and "MARTIN Alice" in response.content.decode()
    other = reverse("grades:appraisals_main", args=[world.seconde_b.public_id, world.periods[0].public_id])
    assert login(world.teacher_maths).get(other).status_code == 404
    for person in (world.head, world.teacher_french, world.outsider, world.alice):
        assert login(person).get(url).status_code == 404


def test_appraisals_home(world, login):
    body = login(world.teacher_maths).get(reverse("grades:appraisals_home")).content.decode()
    assert "2nde A" in body and "2nde B" in body and "Trimestre 1" in body and "Professeur principal" in body
    assert login(world.teacher_french).get(reverse("grades:appraisals_home")).status_code == 200
    for person in (world.alice, world.alice_mother, world.cpe):
        assert login(person).get(reverse("grades:appraisals_home")).status_code == 403


def test_the_fast_list_page_has_a_constant_number_of_queries(world, login, django_assert_max_num_queries):
    assignment = maths_a(world)
    assessment = g.assessment(assignment, world.periods[0])
    url = reverse("grades:appraisals", args=[assignment.public_id, world.periods[0].public_id])
    client = login(world.teacher_maths)
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    for n in range(15):
        student = UserFactory(first_name=f"Élève{n}", last_name=f"Nom{n}", username=f"eleve{n}")
        enroll(student, world.seconde_a)
        g.mark(assessment, student, str(n))
        subject_appraisal(world, world.teacher_maths, student, f"Texte {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


# --- API ---------------------------------------------------------------------------------------
def body(world, student, text, version=None, kind="subject", subject=True):
    return {
        "period": str(world.periods[0].public_id), "student": str(student.public_id), "kind": kind,
        "subject": str(world.maths.public_id) if subject else None, "text": text, "expected_version": version,
    }


def put(client, data):
    return client.put(API, data, content_type="application/json")


def test_api_saves_and_answers_conflicts(world, login):
    client = login(world.teacher_maths)
    response = put(client, body(world, world.alice, "Bien"))
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1 and response.json()["text"] == "Bien"
    conflict = put(client, body(world, world.alice, "Autre", version=None))
    assert conflict.status_code == 409 and conflict.json()["code"] == "appraisal_conflict"
    assert conflict.json()["details"]["current_text"] == "Bien"
    too_long = put(client, body(world, world.alice, "x" * 1001, version=1))
    assert too_long.status_code == 422 and too_long.json()["code"] == "validation_failed"


def test_api_permission_trio(world, login):
    assert put(login(world.teacher_french), body(world, world.chloe, "Bien")).status_code == 403
    assert put(login(world.teacher_french), body(world, world.alice, "Bien")).status_code == 404
    assert put(login(world.outsider), body(world, world.alice, "Bien")).status_code == 404
    assert put(login(world.alice), body(world, world.alice, "Bien")).status_code in {403, 404}
    assert not Appraisal.objects.exists()


def test_api_locked_period(world, login):
    council = council_for(period=world.periods[0], school_class=world.seconde_a)
    close_council(actor=world.head, council=council, expected_version=council.version)
    response = put(login(world.teacher_maths), body(world, world.alice, "Bien"))
    assert response.status_code == 409 and response.json()["code"] == "period_locked"
