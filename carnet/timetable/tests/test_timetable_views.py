"""Week and day views: one's own (student, guardian per child, teacher), and any class, teacher or
room for the staff; changes written out; htmx navigation; a constant number of queries."""

import datetime as dt

import pytest
import time_machine

from carnet.school.models import CalendarEvent
from carnet.testing import timetable as tt
from carnet.timetable import selectors, services
from carnet.timetable.tests.timetable_helpers import MONDAY, at, holiday, maths_a, session_on, small_timetable

pytestmark = pytest.mark.django_db
T = dt.time
WEEK = f"?date={MONDAY.isoformat()}"


@pytest.fixture
def monday_morning():
    with time_machine.travel(at(2026, 11, 30, 7, 30), tick=False):
        yield


@pytest.fixture
def timetable(world, monday_morning):
    return small_timetable(world)


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_student_sees_her_week_with_changes_written_out(world, timetable, login):
    services.cancel_session(
        actor=world.head,
        session=session_on(timetable["maths_a"], MONDAY),
        expected_version=1,
        message="Sortie au musée",
    )
    html = _html(login(world.alice).get("/emploi-du-temps/" + WEEK))
    assert "Mon emploi du temps" in html and "2nde A · Lycée Victor-Hugo" in html
    assert "Semaine du 30 novembre au 6 décembre 2026" in html
    assert "Mathématiques" in html and "Annulé" in html and "Sortie au musée" in html
    assert "Français" not in html  # 2nde B's lesson
    assert 'class="tt-session is-cancelled is-changed"' in html
    assert 'hx-get="?date=2026-12-07"' in html and 'hx-push-url="true"' in html


def test_moved_replaced_room_changed_and_extra_are_marked(world, timetable, login):
    services.move_session(
        actor=world.head,
        session=session_on(timetable["maths_a"], MONDAY),
        expected_version=1,
        held_on=dt.date(2026, 12, 1),
        start_time=T(10),
        end_time=T(11),
    )
    services.replace_teacher(
        actor=world.head,
        session=session_on(timetable["maths_b"], MONDAY),
        expected_version=1,
        teacher=world.teacher_french,
    )
    services.change_room(
        actor=world.head,
        session=session_on(timetable["french_thu"], dt.date(2026, 12, 3)),
        expected_version=1,
        room=tt.room(world.lycee, "CDI"),
    )
    services.add_extra_session(
        actor=world.head,
        assignment=maths_a(world),
        held_on=dt.date(2026, 12, 2),
        start_time=T(13),
        end_time=T(14),
    )
    alice = _html(login(world.alice).get("/emploi-du-temps/" + WEEK))
    assert "Déplacé (prévu lundi 30 novembre 08:00–09:00)" in alice
    assert "Séance supplémentaire" in alice
    chloe = _html(login(world.chloe).get("/emploi-du-temps/" + WEEK))
    assert "Remplace MATHS Marc" in chloe and "FRANÇAIS Fanny" in chloe
    assert "Changement de salle (avant : B14)" in chloe and "salle CDI" in chloe


def test_a_guardian_switches_between_children(world, timetable, login):
    client = login(world.alice_mother)
    html = _html(client.get("/emploi-du-temps/" + WEEK))
    assert "Emploi du temps d" in html  # the first child, remembered afterwards
    html = _html(client.get(f"/emploi-du-temps/?child={world.chloe.public_id}&date={MONDAY}"))
    assert "Emploi du temps de Chloé" in html and "Français" in html and "2nde B" in html
    assert f"?child={world.alice.public_id}" in html and 'aria-current="page">Chloé' in html
    html = _html(client.get("/emploi-du-temps/" + WEEK))
    assert "Emploi du temps de Chloé" in html  # remembered
    assert client.get(f"/emploi-du-temps/?child={world.dossou.public_id}").status_code == 404
    assert client.get("/emploi-du-temps/?child=pas-un-uuid").status_code == 404


def test_a_teacher_who_is_also_a_parent(world, timetable, login):
    client = login(world.teacher_french)
    html = _html(client.get("/emploi-du-temps/" + WEEK))
    assert "Mes cours" in html and "Bruno" in html  # her lessons, and a tab for her son
    assert "2nde B" in html and "Français" in html and "Mathématiques" not in html
    html = _html(client.get(f"/emploi-du-temps/?child={world.bruno.public_id}&date={MONDAY}"))
    assert "Emploi du temps de Bruno" in html and "Mathématiques" in html


def test_staff_views_of_a_class_a_teacher_and_a_room(world, timetable, login):
    client = login(world.secretary)
    assert client.get("/emploi-du-temps/").status_code == 302  # no timetable of her own: the establishment's
    index = _html(client.get("/emploi-du-temps/etablissement/"))
    assert "2nde A" in index and "MATHS Marc" in index and "B12" in index
    html = _html(client.get(f"/emploi-du-temps/classe/{world.seconde_b.public_id}/" + WEEK))
    assert "Emploi du temps — 2nde B" in html and "Français" in html and "Mathématiques" in html
    assert "Créneaux de la classe" not in html  # reads, does not manage
    html = _html(client.get(f"/emploi-du-temps/enseignant/{world.teacher_maths.public_id}/" + WEEK))
    assert "2nde A" in html and "2nde B" in html
    html = _html(client.get(f"/emploi-du-temps/salle/{timetable['b14'].public_id}/" + WEEK))
    assert "Français" in html and "Mathématiques" not in html
    assert "Créneaux de la classe" in _html(
        login(world.cpe).get(f"/emploi-du-temps/classe/{world.seconde_b.public_id}/")
    )


def test_outsiders_and_others_get_404(world, timetable, login):
    class_url = f"/emploi-du-temps/classe/{world.seconde_a.public_id}/"
    teacher_url = f"/emploi-du-temps/enseignant/{world.teacher_maths.public_id}/"
    room_url = f"/emploi-du-temps/salle/{timetable['b12'].public_id}/"
    for url in (class_url, teacher_url, room_url, "/emploi-du-temps/etablissement/"):
        assert login(world.outsider).get(url).status_code == 404
        assert login(world.alice).get(url).status_code == 404
        assert login(world.alice_mother).get(url).status_code == 404
    # a teacher opens the classes she teaches and her own timetable, not a colleague's
    assert (
        login(world.teacher_french).get(f"/emploi-du-temps/classe/{world.seconde_b.public_id}/").status_code
        == 200
    )
    assert login(world.teacher_french).get(class_url).status_code == 404
    assert login(world.teacher_french).get(teacher_url).status_code == 404
    assert login(world.teacher_french).get(room_url).status_code == 404


def test_day_view_and_calendar_days(world, timetable, login):
    holiday(
        world,
        "Journée banalisée",
        dt.date(2026, 12, 3),
        dt.date(2026, 12, 3),
        kind=CalendarEvent.Kind.EXCEPTIONAL,
    )
    client = login(world.chloe)
    html = _html(client.get("/emploi-du-temps/?vue=jour"))
    assert "Lundi 30 novembre 2026" in html and "Aujourd’hui" in html
    assert "Français" in html and "Mathématiques" in html
    html = _html(client.get("/emploi-du-temps/?vue=jour&date=2026-12-03"))
    assert "Journée exceptionnelle : Journée banalisée" in html and "14:00–15:30" in html
    holiday(world, "Vacances de Noël", dt.date(2026, 12, 19), dt.date(2027, 1, 3))
    services.regenerate_sessions(actor=world.head, establishment=world.lycee)
    html = _html(client.get("/emploi-du-temps/?date=2026-12-21"))
    assert "Vacances de Noël" in html and "Aucun cours cette semaine" in html
    assert client.get("/emploi-du-temps/?date=2026-13-01").status_code == 404


def test_htmx_loads_only_the_timetable(world, timetable, login):
    response = login(world.alice).get(
        "/emploi-du-temps/?date=2026-12-07", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="timetable"
    )
    html = _html(response)
    assert html.lstrip().startswith('<div id="timetable"')
    assert "<html" not in html and "Semaine du 7 décembre au 13 décembre 2026" in html


@pytest.mark.parametrize("who", ["alice", "alice_mother", "teacher_maths", "head"])
def test_week_views_run_a_constant_number_of_queries(
    world, timetable, login, who, django_assert_max_num_queries
):
    person = getattr(world, who)
    url = "/emploi-du-temps/" if who != "head" else f"/emploi-du-temps/classe/{world.seconde_a.public_id}/"
    client = login(person)
    client.get(url + WEEK)  # warm the session
    with django_assert_max_num_queries(22) as small:
        _html(client.get(url + WEEK))
    assignment = maths_a(world)
    for weekday in range(5):
        for hour in (10, 11, 13, 14, 15, 16):
            tt.slot(assignment, weekday=weekday, start=f"{hour}:00", end=f"{hour}:55")
    from carnet.timetable.calendar import generate_sessions

    generate_sessions(establishment=world.lycee, school_year=world.year, today=world.year.starts_on)
    services.cancel_session(
        actor=world.head, session=session_on(timetable["maths_a"], MONDAY), expected_version=1
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = _html(client.get(url + WEEK))
    assert html.count("tt-session") >= 30


def test_the_selector_bench_entry(world, timetable, django_assert_num_queries):
    with django_assert_num_queries(5 + 4):  # the actor's roles (4 queries, cached afterwards) + the week
        week = selectors.week_for(world.alice, student=world.alice, monday=MONDAY + dt.timedelta(days=2))
    assert week.monday == MONDAY and [d.day.weekday() for d in week.days] == [0, 1, 2, 3, 4]
    assert [v.session.assignment.subject.name for v in week.days[0].sessions] == ["Mathématiques"]
    with django_assert_num_queries(5):
        selectors.week_for(world.alice, student=world.alice, monday=MONDAY)


def test_navigation_and_home_widget(world, timetable, login):
    home = _html(login(world.alice).get("/"))
    assert 'href="/emploi-du-temps/"' in home and "Emploi du temps" in home
    assert "Aujourd" in home and "08:00–09:00" in home
    teacher_home = _html(login(world.teacher_maths).get("/"))
    assert "09:00–10:00" in teacher_home and "2nde B" in teacher_home
    secretary_home = _html(login(world.secretary).get("/"))
    assert 'href="/emploi-du-temps/etablissement/"' in secretary_home


def test_staff_index_runs_a_constant_number_of_queries(
    world, timetable, login, django_assert_max_num_queries
):
    client = login(world.cpe)
    client.get("/emploi-du-temps/etablissement/")
    with django_assert_max_num_queries(20) as few:
        _html(client.get("/emploi-du-temps/etablissement/"))
    from carnet.testing.factories import SchoolClassFactory, assign

    for number in range(6):
        school_class = SchoolClassFactory.create(school_year=world.year, name=f"1re {number}")
        assign(world.teacher_french, school_class, world.french)
        tt.room(world.lycee, f"S{number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = _html(client.get("/emploi-du-temps/etablissement/"))
    assert "1re 5" in html and "S5" in html
