"""The assessment form and its actions: create, edit (with a version), duplicate, delete (with the
number of marks), publish now. Permission trio on every page and POST."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from carnet.audit.models import AuditEvent
from carnet.grades.models import Assessment, CustomAssessmentKind, Mark
from carnet.school.models import TeachingAssignment
from carnet.testing import grades as g

NOW = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)
REFUSED = ("teacher_french", "outsider", "alice", "alice_mother")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def maths_a(world):
    return TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)


@pytest.fixture
def t1(world):
    return world.periods[0]


@pytest.fixture
def controle(maths_a, t1):
    return g.assessment(maths_a, t1, title="Contrôle 1", published=False)


def new_url(assignment, period):
    return f"{reverse('grades:assessment_new')}?assignment={assignment.public_id}&period={period.public_id}"


def form_data(period, **overrides):
    values = {
        "title": "Devoir commun", "period": str(period.public_id), "held_on": "2026-11-20", "kind": "devoir",
        "scale": "20", "coefficient": "2", "description": "", "publication": "now", "publish_at": "",
    }
    values.update(overrides)
    return values


# --- create ---------------------------------------------------------------------------------------------
def test_new_assessment_form_and_create(world, login, maths_a, t1):
    CustomAssessmentKind.objects.create(establishment=world.lycee, name="Exposé", role="interrogation")
    client = login(world.teacher_maths)
    page = client.get(new_url(maths_a, t1)).content.decode()
    assert "Nouvelle évaluation" in page and "Exposé" in page and "Trimestre 1" in page
    assert 'value="20"' in page and "(17:00)" in page
    response = client.post(new_url(maths_a, t1), form_data(t1, coefficient="0,5"))
    assert response.status_code == 302
    assessment = Assessment.objects.get(title="Devoir commun")
    assert response["Location"] == reverse("grades:grid", args=[maths_a.public_id, t1.public_id])
    assert assessment.coefficient == Decimal("0.5") and assessment.assignment == maths_a
    assert assessment.published_at is not None
    assert AuditEvent.objects.filter(action="grades.assessment_created").exists()


def test_create_with_a_custom_kind_and_a_publication_date(world, login, maths_a, t1):
    kind = CustomAssessmentKind.objects.create(establishment=world.lycee, name="Exposé", role="interrogation")
    response = login(world.teacher_maths).post(
        new_url(maths_a, t1),
        form_data(t1, kind=f"custom:{kind.public_id}", publication="at", publish_at="2026-11-30T18:00"),
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(title="Devoir commun")
    assert assessment.custom_kind == kind
    assert assessment.published_at == dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)  # 18:00 in Paris


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"title": ""}, "Donnez un titre à l&#x27;évaluation."),
        ({"scale": "0"}, "Le barème doit être un nombre entre 1 et 100"),
        ({"scale": "abc"}, "Le barème doit être un nombre entre 1 et 100"),
        ({"coefficient": "0"}, "Le coefficient doit être un nombre strictement positif"),
        ({"coefficient": "-1"}, "Le coefficient doit être un nombre strictement positif"),
        ({"held_on": "2027-01-15"}, "n&#x27;est pas dans la période « Trimestre 1 »"),
        ({"held_on": ""}, "Indiquez la date de l&#x27;évaluation."),
        ({"publication": "at", "publish_at": ""}, "Indiquez la date et l&#x27;heure de publication."),
        ({"publication": "at", "publish_at": "2026-11-01T10:00"}, "La date de publication est déjà passée"),
    ],
)
def test_create_refuses_bad_values_with_french_messages(world, login, maths_a, t1, overrides, message):
    response = login(world.teacher_maths).post(new_url(maths_a, t1), form_data(t1, **overrides))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("who", REFUSED)
def test_new_assessment_is_404_for_others(world, login, maths_a, t1, who):
    client = login(getattr(world, who))
    assert client.get(new_url(maths_a, t1)).status_code == 404
    assert client.post(new_url(maths_a, t1), form_data(t1)).status_code == 404
    assert not Assessment.objects.exists()


# --- edit -----------------------------------------------------------------------------------------------
def test_edit_an_assessment(world, login, maths_a, t1, controle):
    client = login(world.teacher_maths)
    edit = reverse("grades:assessment_edit", args=[controle.public_id])
    page = client.get(edit).content.decode()
    assert 'value="Contrôle 1"' in page and "Publier maintenant" in page
    response = client.post(edit, form_data(t1, title="Contrôle 1 bis", version="1", publication="hidden"))
    assert response.status_code == 302
    controle.refresh_from_db()
    assert controle.title == "Contrôle 1 bis" and controle.version == 2 and controle.coefficient == Decimal("2")


def test_edit_conflict_names_who_changed_it_and_keeps_my_values(world, login, maths_a, t1, controle):
    from carnet.grades.services.assessments import update_assessment

    update_assessment(actor=world.teacher_maths, assessment=controle, expected_version=1, title="Changé ailleurs")
    response = login(world.teacher_maths).post(
        reverse("grades:assessment_edit", args=[controle.public_id]), form_data(t1, title="Le mien", version="1")
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "MATHS Marc a modifié cette évaluation entre-temps (le 28/11/2026 à 11:00)" in page
    assert 'value="Le mien"' in page and 'name="version" value="2"' in page
    controle.refresh_from_db()
    assert controle.title == "Changé ailleurs"


@pytest.mark.parametrize("who", REFUSED)
def test_edit_is_404_for_others(world, login, t1, controle, who):
    client = login(getattr(world, who))
    edit = reverse("grades:assessment_edit", args=[controle.public_id])
    assert client.get(edit).status_code == 404
    assert client.post(edit, form_data(t1, title="Piraté", version="1")).status_code == 404
    controle.refresh_from_db()
    assert controle.title == "Contrôle 1"


# --- duplicate ------------------------------------------------------------------------------------------
def test_duplicate_to_my_other_classes(world, login, maths_a, t1, controle):
    maths_b = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_b)
    client = login(world.teacher_maths)
    url = reverse("grades:assessment_duplicate", args=[controle.public_id])
    page = client.get(url).content.decode()
    assert "2nde B · Mathématiques" in page and "2nde A · Mathématiques" not in page
    response = client.post(url, {"assignments": [str(maths_b.public_id)]})
    assert response.status_code == 302
    copy = Assessment.objects.get(assignment=maths_b)
    assert copy.title == "Contrôle 1" and copy.held_on == controle.held_on
    assert client.post(url, {}).status_code == 422


@pytest.mark.parametrize("who", REFUSED)
def test_duplicate_is_404_for_others(world, login, controle, who):
    maths_b = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_b)
    client = login(getattr(world, who))
    url = reverse("grades:assessment_duplicate", args=[controle.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"assignments": [str(maths_b.public_id)]}).status_code == 404
    assert Assessment.objects.count() == 1


# --- delete ---------------------------------------------------------------------------------------------
def test_delete_says_how_many_marks_go_and_is_recorded(world, login, maths_a, t1, controle):
    g.mark(controle, world.alice, "12")
    g.mark(controle, world.bruno, "absent")
    client = login(world.teacher_maths)
    url = reverse("grades:assessment_delete", args=[controle.public_id])
    page = client.get(url).content.decode()
    assert "<strong>2 notes</strong> seront supprimées" in page
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("grades:grid", args=[maths_a.public_id, t1.public_id])
    assert not Assessment.objects.exists() and not Mark.objects.exists()
    event = AuditEvent.objects.get(action="grades.assessment_deleted")
    assert event.changes["marks_deleted"][0] == 2


@pytest.mark.parametrize("who", REFUSED)
def test_delete_is_404_for_others(world, login, controle, who):
    g.mark(controle, world.alice, "12")
    client = login(getattr(world, who))
    url = reverse("grades:assessment_delete", args=[controle.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert Assessment.objects.count() == 1 and Mark.objects.count() == 1


# --- publish now ----------------------------------------------------------------------------------------
def test_publish_now(world, login, maths_a, t1, controle):
    response = login(world.teacher_maths).post(reverse("grades:assessment_publish", args=[controle.public_id]))
    assert response.status_code == 302
    controle.refresh_from_db()
    assert controle.published_at is not None


@pytest.mark.parametrize("who", REFUSED)
def test_publish_is_404_for_others(world, login, controle, who):
    response = login(getattr(world, who)).post(reverse("grades:assessment_publish", args=[controle.public_id]))
    assert response.status_code == 404
    controle.refresh_from_db()
    assert controle.published_at is None
