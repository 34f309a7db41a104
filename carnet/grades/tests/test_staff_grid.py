"""The read-only marks grid of the staff (/notes/consultation/…): the head, the CPE and the secretary
read a class's marks and each mark's history; the main teacher reads the other subjects of their
class; a teacher of another class, a student, a guardian and an outsider get 404. Nothing there
writes: the teacher's cell and column endpoints keep refusing the staff. The council links each
subject to its grid."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from carnet.grades.models import Mark
from carnet.grades.policies import students_of_assignment
from carnet.grades.services.marks import save_mark
from carnet.school.models import TeachingAssignment, TeachingGroup
from carnet.testing import grades as g
from carnet.testing.factories import SubjectFactory, UserFactory, assign, enroll

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)
READERS = ("head", "cpe", "secretary")
REFUSED = ("teacher_french", "alice", "alice_mother", "outsider", "dossou_parent")
FETCH = {"X-Requested-With": "fetch"}


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
    return g.assessment(maths_a, t1, title="Contrôle 1")


def grid_url(assignment, period, name="grades:consult_grid"):
    return reverse(name, args=[assignment.public_id, period.public_id])


def mark_url(assignment, period, assessment, student):
    return grid_url(assignment, period, "grades:consult_mark"), {
        "assessment": str(assessment.public_id),
        "student": str(student.public_id),
    }


def typed_by_the_teacher(world, assessment, student, *texts, comment=None):
    """The teacher types `texts` one after the other in the cell (through the service, audited)."""
    version = None
    for text in texts:
        version = save_mark(
            actor=world.teacher_maths,
            assessment=assessment,
            student=student,
            text=text,
            expected_version=version,
            comment=comment,
        ).version


# --- the grid ------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", READERS)
def test_staff_read_the_grid_without_any_field(world, login, maths_a, t1, controle, who):
    g.mark(controle, world.alice, "12.5", comment="Bien")
    g.mark(controle, world.bruno, "absent")
    response = login(getattr(world, who)).get(grid_url(maths_a, t1))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mathématiques · 2nde A" in page and "Contrôle 1" in page
    assert 'MARTIN <span class="grid-first">Alice</span>' in page
    assert ">12,5<" in page and ">Abs<" in page and "12,5" in page  # the mark, the average
    assert 'data-readonly="true"' in page
    table = page[page.index('<table class="table grid-table') : page.index("</table>")]
    assert "<input" not in table and "<textarea" not in table and "<form" not in table
    assert "<textarea" not in page and "data-comment-form" not in page
    # nothing that writes: no save endpoint, no assessment form, no publication
    for name in ("grades:grid_cell", "grades:grid_column", "grades:grid_cell_dialog"):
        assert grid_url(maths_a, t1, name) not in page
    assert "Publier maintenant" not in page and "Nouvelle évaluation" not in page
    # each mark opens its history; an empty cell is plain text
    dialog, query = mark_url(maths_a, t1, controle, world.alice)
    assert f"{dialog}?assessment={query['assessment']}&amp;student={query['student']}" in page
    assert page.count('class="cell cell-read"') == 2
    assert 'data-stat="count"' not in page and "1/2" in page


def test_staff_grid_shows_every_teachers_assessments_of_the_subject(world, login, maths_a, t1, controle):
    co_teacher = assign(world.teacher_french, world.seconde_a, world.maths)
    g.assessment(co_teacher, t1, title="Devoir du collègue")
    page = login(world.head).get(grid_url(maths_a, t1)).content.decode()
    assert "Contrôle 1" in page and "Devoir du collègue" in page


def test_staff_grid_other_periods_and_empty_period(world, login, maths_a, t1, controle):
    t2 = world.periods[1]
    page = login(world.cpe).get(grid_url(maths_a, t1)).content.decode()
    assert grid_url(maths_a, t2) in page  # the period tabs stay on the read-only grid
    empty = login(world.cpe).get(grid_url(maths_a, t2)).content.decode()
    assert "Aucune évaluation dans cette période" in empty and "Contrôle 1" not in empty


def test_main_teacher_reads_the_other_subjects_of_the_class(world, login, t1):
    french_a = assign(world.teacher_french, world.seconde_a, world.french)
    dictee = g.assessment(french_a, t1, title="Dictée")
    g.mark(dictee, world.alice, "9")
    client = login(world.teacher_maths)
    response = client.get(grid_url(french_a, t1))
    assert response.status_code == 200
    assert "Dictée" in response.content.decode()
    url, query = mark_url(french_a, t1, dictee, world.alice)
    assert client.get(url, query, headers=FETCH).status_code == 200
    # …but only those of the class they lead: French in 2nde B is not theirs to read
    french_b = TeachingAssignment.objects.get(teacher=world.teacher_french, school_class=world.seconde_b)
    assert client.get(grid_url(french_b, t1)).status_code == 404


def test_the_teacher_of_the_assignment_gets_a_link_to_enter_marks(world, login, maths_a, t1, controle):
    page = login(world.teacher_maths).get(grid_url(maths_a, t1)).content.decode()
    assert reverse("grades:grid", args=[maths_a.public_id, t1.public_id]) in page
    head = login(world.head).get(grid_url(maths_a, t1)).content.decode()
    assert "Saisir les notes" not in head
    assert reverse("grades:council", args=[world.seconde_a.public_id, t1.public_id]) in head


@pytest.mark.parametrize("who", REFUSED)
def test_the_grid_is_404_for_others(world, login, maths_a, t1, controle, who):
    g.mark(controle, world.alice, "12")
    client = login(getattr(world, who))
    assert client.get(grid_url(maths_a, t1)).status_code == 404
    url, query = mark_url(maths_a, t1, controle, world.alice)
    assert client.get(url, query, headers=FETCH).status_code == 404
    assert client.get(url, query).status_code == 404


def test_a_period_of_another_year_or_an_assignment_of_another_school_is_404(world, login, maths_a):
    from carnet.school.models import Period

    ceg_period = Period.objects.create(
        establishment=world.ceg,
        school_year=world.ceg_year,
        kind="semester",
        number=1,
        name="Semestre 1",
        starts_on=dt.date(2026, 10, 1),
        ends_on=dt.date(2027, 2, 28),
    )
    client = login(world.head)
    assert client.get(grid_url(maths_a, ceg_period)).status_code == 404
    ceg_maths = TeachingAssignment.objects.get(teacher=world.outsider)
    assert client.get(grid_url(ceg_maths, ceg_period)).status_code == 404


# --- a mark's comment and history --------------------------------------------------------------------
@pytest.mark.parametrize("who", ("head", "cpe"))
def test_staff_see_the_history_of_a_mark_changed_by_the_teacher(world, login, maths_a, t1, controle, who):
    typed_by_the_teacher(world, controle, world.alice, "12", "15", comment="Nette progression")
    url, query = mark_url(maths_a, t1, controle, world.alice)
    response = login(getattr(world, who)).get(url, query, headers=FETCH)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert "MARTIN Alice · Contrôle 1" in fragment
    assert "12 → 15" in fragment and "— → 12" in fragment and "MATHS Marc" in fragment
    # the comment is shown, not editable
    assert "Nette progression" in fragment
    assert (
        "<textarea" not in fragment
        and "<form" not in fragment
        and "Enregistrer le commentaire" not in fragment
    )
    assert "data-close" in fragment
    assert "X-Requested-With" in response["Vary"]


def test_without_javascript_the_history_is_a_page_of_its_own(world, login, maths_a, t1, controle):
    typed_by_the_teacher(world, controle, world.alice, "8", "9,5")
    url, query = mark_url(maths_a, t1, controle, world.alice)
    page = login(world.secretary).get(url, query).content.decode()
    assert "<html" in page and "Historique de la note" in page and "8 → 9,5" in page
    assert "Aucun commentaire" in page
    assert f'href="{grid_url(maths_a, t1)}"' in page  # back to the grid


def test_the_history_of_an_assessment_outside_the_grid_is_404(world, login, maths_a, t1):
    maths_b = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_b)
    other = g.assessment(maths_b, t1)
    g.mark(other, world.chloe, "11")
    client = login(world.head)
    url, query = mark_url(maths_a, t1, other, world.chloe)  # 2nde B's assessment through 2nde A's grid
    assert client.get(url, query, headers=FETCH).status_code == 404
    url, query = mark_url(maths_b, t1, other, world.alice)  # a student who is not in 2nde B
    assert client.get(url, query, headers=FETCH).status_code == 404
    assert client.get(url, {"assessment": "not-a-uuid", "student": query["student"]}).status_code == 404


# --- nothing writes -----------------------------------------------------------------------------------
@pytest.mark.parametrize("who", READERS)
def test_staff_cannot_save_through_the_teachers_endpoints(world, login, maths_a, t1, controle, who):
    typed_by_the_teacher(world, controle, world.alice, "14")
    client = login(getattr(world, who))
    cell = client.post(
        grid_url(maths_a, t1, "grades:grid_cell"),
        {
            "assessment": str(controle.public_id),
            "student": str(world.alice.public_id),
            "text": "3",
            "version": "1",
            "comment": "changé",
        },
    )
    assert cell.status_code == 404
    column = client.post(
        grid_url(maths_a, t1, "grades:grid_column"),
        data=json.dumps(
            {
                "assessment": str(controle.public_id),
                "entries": [{"student": str(world.bruno.public_id), "text": "5", "version": None}],
            }
        ),
        content_type="application/json",
    )
    assert column.status_code == 404
    dialog = client.get(
        grid_url(maths_a, t1, "grades:grid_cell_dialog"),
        {"assessment": str(controle.public_id), "student": str(world.alice.public_id)},
    )
    assert dialog.status_code == 404
    # the read-only pages answer GET only
    url, query = mark_url(maths_a, t1, controle, world.alice)
    assert client.post(grid_url(maths_a, t1), {"text": "3"}).status_code == 405
    assert client.post(url, {**query, "comment": "changé"}).status_code == 405
    mark = Mark.objects.get(assessment=controle, student=world.alice)
    assert (mark.value, mark.version, mark.comment) == (Decimal("14"), 1, "")
    assert not Mark.objects.filter(student=world.bruno).exists()


# --- size -------------------------------------------------------------------------------------------------
def _count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_grid_query_count_does_not_grow_with_the_class(
    world, login, maths_a, t1, django_assert_max_num_queries
):
    g.mark(g.assessment(maths_a, t1, title="Seule"), world.alice, "10")
    client = login(world.head)
    client.get(grid_url(maths_a, t1))  # the first request of a session records it
    small = _count_queries(client, grid_url(maths_a, t1))
    for n in range(38):
        enroll(
            UserFactory(first_name=f"Élève{n}", last_name=f"Nom{n:03d}", username=f"eleve{n}.consult"),
            world.seconde_a,
        )
    students = list(students_of_assignment(maths_a))
    marks = []
    for i in range(24):
        a = g.assessment(
            maths_a, t1, title=f"Éval {i + 1}", held_on=dt.date(2026, 9, 2) + dt.timedelta(days=i)
        )
        marks += [
            Mark(
                establishment=world.lycee,
                assessment=a,
                student=s,
                value=Decimal((i + j) % 21),
                status="marked",
                updated_by=world.teacher_maths,
            )
            for j, s in enumerate(students)
        ]
    Mark.objects.bulk_create(marks)
    with django_assert_max_num_queries(small):
        response = client.get(grid_url(maths_a, t1))
    assert response.content.decode().count('class="cell cell-read"') == 40 * 24 + 1
    assert small <= 15, small


# --- ways in: the entry page and the council -----------------------------------------------------------------
def test_the_entry_page_lists_classes_and_their_subjects(world, login, maths_a, t1):
    french_b = TeachingAssignment.objects.get(teacher=world.teacher_french, school_class=world.seconde_b)
    response = login(world.cpe).get(reverse("grades:consult"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Notes des classes" in page  # the navigation entry and the title
    assert "2nde A" in page and "2nde B" in page and "6e M1" not in page
    assert grid_url(maths_a, t1) in page and grid_url(french_b, t1) in page  # the current period
    t2 = world.periods[1]
    assert (
        grid_url(maths_a, t2)
        in login(world.cpe).get(reverse("grades:consult"), {"period": str(t2.public_id)}).content.decode()
    )


def test_the_entry_page_for_others(world, login, maths_a, t1):
    # a main teacher sees their class's subjects; a teacher only their own; the outsider only theirs
    main = login(world.teacher_maths).get(reverse("grades:consult")).content.decode()
    assert grid_url(maths_a, t1) in main
    french = login(world.teacher_french).get(reverse("grades:consult")).content.decode()
    assert "2nde A" not in french and grid_url(maths_a, t1) not in french
    outsider = login(world.outsider).get(reverse("grades:consult")).content.decode()
    assert "2nde A" not in outsider and "Lycée Victor-Hugo" not in outsider
    for who in ("alice", "alice_mother", "dossou_parent"):
        assert login(getattr(world, who)).get(reverse("grades:consult")).status_code == 404
    # the navigation entry is the staff's
    assert (
        reverse("grades:consult")
        not in login(world.teacher_maths).get(reverse("portal:home")).content.decode()
    )
    assert reverse("grades:consult") in login(world.secretary).get(reverse("portal:home")).content.decode()


def test_the_council_links_each_subject_to_its_grid(world, login, maths_a, t1, controle):
    g.mark(controle, world.alice, "12")
    council = reverse("grades:council", args=[world.seconde_a.public_id, t1.public_id])
    for who in ("head", "teacher_maths"):
        page = login(getattr(world, who)).get(council).content.decode()
        # the column header and the student panel's subject line
        assert page.count(f'href="{grid_url(maths_a, t1)}"') == 2
    index = login(world.head).get(reverse("grades:councils")).content.decode()
    assert reverse("grades:consult") in index


def test_the_council_links_a_group_subject_to_the_students_group(world, login, maths_a, t1, controle):
    group = TeachingGroup.objects.create(establishment=world.lycee, school_year=world.year, name="Latin 2nde")
    group.classes.add(world.seconde_a)
    group.students.add(world.alice)
    latin = TeachingAssignment.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        teacher=world.teacher_french,
        group=group,
        subject=SubjectFactory(establishment=world.lycee, name="Latin"),
    )
    g.mark(g.assessment(latin, t1, title="Version"), world.alice, "13")
    council = reverse("grades:council", args=[world.seconde_a.public_id, t1.public_id])
    client = login(world.head)
    alice = client.get(council, {"student": str(world.alice.public_id)}).content.decode()
    assert alice.count(f'href="{grid_url(latin, t1)}"') == 2  # the header, alice's panel
    bruno = client.get(council, {"student": str(world.bruno.public_id)}).content.decode()
    assert bruno.count(f'href="{grid_url(latin, t1)}"') == 1  # the header only: bruno takes no Latin
    assert "Latin 2nde" in client.get(grid_url(latin, t1)).content.decode()
    # the main teacher of 2nde A reads the class's subjects, not a group's (it may hold other classes)
    main = login(world.teacher_maths).get(council, {"student": str(world.alice.public_id)}).content.decode()
    assert grid_url(latin, t1) not in main
    assert login(world.teacher_maths).get(grid_url(latin, t1)).status_code == 404
