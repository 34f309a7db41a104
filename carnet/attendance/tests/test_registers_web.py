"""Roll-call pages: "Mes séances du jour", the register page (GET and POST, without JavaScript:
radio buttons), the missing registers page, the home widgets. Each with the trio: the session's
teacher or school-life staff allowed; another teacher, a student, a guardian and the outsider get
404 and change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from carnet.attendance.models import Absence, Exemption, Register, RegisterEntry
from carnet.attendance.tests import registers_helpers as h
from carnet.attendance.tests.registers_helpers import TODAY, TOMORROW, YESTERDAY, lesson, more_students, take

frozen, maths_a, maths_b = h.frozen, h.maths_a, h.maths_b
pytestmark = pytest.mark.usefixtures("frozen")

REFUSED = ("teacher_french", "outsider", "alice", "alice_mother", "secretary")


def page_url(s) -> str:
    return reverse("attendance:register", args=[s.public_id])


def form_data(version="", **states):
    """`states`: student public id -> "absent" | ("late", minutes)."""
    data = {"version": version}
    for key, value in states.items():
        if isinstance(value, tuple):
            data[f"st-{key}"], data[f"mn-{key}"] = value[0], str(value[1])
        else:
            data[f"st-{key}"] = value
    return data


# --- my sessions of the day ----------------------------------------------------------------------------
def test_my_sessions_lists_today_with_the_register_state(world, login, maths_a, maths_b):
    first = lesson(maths_a, start="08:00")
    lesson(maths_b, start="10:00")
    lesson(maths_a, on=TOMORROW, start="11:00")
    lesson(maths_b, start="15:00", status="cancelled")
    take(world.teacher_maths, first, {world.alice: "absent"})
    response = login(world.teacher_maths).get(reverse("attendance:my_sessions"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Appel fait à 10:00" in page  # taken at 09:00 UTC, 10:00 in Paris
    assert "Appel à faire" in page and "Séance annulée" in page
    assert "11:00–12:00" not in page  # tomorrow's
    assert page_url(first) in page
    assert "1 appel à faire" in page


@pytest.mark.parametrize("who", ["cpe", "alice", "alice_mother"])
def test_my_sessions_is_for_teachers(world, login, who):
    assert login(getattr(world, who)).get(reverse("attendance:my_sessions")).status_code == 404


def test_my_sessions_query_count_is_constant(world, login, maths_a, maths_b, django_assert_max_num_queries):
    client = login(world.teacher_maths)
    for hour in range(8, 10):
        lesson(maths_a, start=f"{hour:02d}:00")
    client.get(reverse("attendance:my_sessions"))
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("attendance:my_sessions"))
    for hour in range(10, 18):
        take(world.teacher_maths, lesson(maths_b if hour % 2 else maths_a, start=f"{hour:02d}:00"), {})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("attendance:my_sessions"))
    assert response.content.decode().count("Appel fait à") == 8


def test_teacher_home_widget_and_navigation(world, login, maths_a):
    lesson(maths_a, start="08:00")
    page = login(world.teacher_maths).get(reverse("portal:home")).content.decode()
    assert "Mes séances du jour" in page and "Appel à faire" in page
    assert reverse("attendance:my_sessions") in page
    family = login(world.alice_mother).get(reverse("portal:home")).content.decode()
    assert reverse("attendance:my_sessions") not in family


def test_staff_home_widget_shows_registers_not_taken(world, login, maths_a):
    lesson(maths_a, start="08:00")
    page = login(world.cpe).get(reverse("portal:home")).content.decode()
    assert "Appels non faits aujourd&#x27;hui" in page or "Appels non faits aujourd'hui" in page
    assert "2nde A" in page and world.teacher_maths.full_name in page
    assert reverse("attendance:missing_registers") in page


# --- the register page ----------------------------------------------------------------------------
def test_register_page_lists_the_class_with_radios_and_the_teacher_may_post(world, login, maths_a):
    s = lesson(maths_a)
    client = login(world.teacher_maths)
    response = client.get(page_url(s))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        world.alice.full_name in page and world.bruno.full_name in page and world.chloe.full_name not in page
    )
    assert f'name="st-{world.alice.public_id}" value="absent"' in page
    assert 'value="present" checked' in page
    assert "Valider l&#x27;appel" in page or "Valider l'appel" in page
    assert "attendance/register.js" in page
    response = client.post(
        page_url(s),
        form_data(**{str(world.alice.public_id): "absent", str(world.bruno.public_id): ("late", 10)}),
    )
    assert response.status_code == 302 and response.url == reverse("attendance:my_sessions")
    register = Register.objects.get(session=s)
    assert {(e.student_id, e.status, e.late_minutes) for e in register.entries.all()} == {
        (world.alice.pk, "absent", None),
        (world.bruno.pk, "late", 10),
    }
    assert Absence.objects.filter(student=world.alice).exists()
    follow = client.get(reverse("attendance:my_sessions")).content.decode()
    assert "Appel enregistré" in follow and "1 absent(s), 1 retard(s)" in follow


def test_cpe_may_open_and_correct_any_register(world, login, maths_a):
    s = lesson(maths_a)
    take(world.teacher_maths, s, {world.alice: "absent"})
    client = login(world.cpe)
    page = client.get(page_url(s)).content.decode()
    assert "Appel fait à 10:00 par MATHS Marc" in page and 'name="version" value="1"' in page
    response = client.post(page_url(s), form_data(version="1"))
    assert response.status_code == 302 and response.url == page_url(s)
    assert not RegisterEntry.objects.exists()


@pytest.mark.parametrize("who", REFUSED)
def test_others_get_404_and_nothing_changes(world, login, maths_a, who):
    s = lesson(maths_a)
    client = login(getattr(world, who))
    assert client.get(page_url(s)).status_code == 404
    assert client.post(page_url(s), form_data(**{str(world.alice.public_id): "absent"})).status_code == 404
    assert not Register.objects.exists()


def test_late_without_minutes_is_refused_with_the_row_marked(world, login, maths_a):
    s = lesson(maths_a)
    response = login(world.teacher_maths).post(
        page_url(s), {"version": "", f"st-{world.bruno.public_id}": "late", f"mn-{world.bruno.public_id}": ""}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "doit être un nombre de minutes entre 1 et 240" in page
    assert f'id="err-{world.bruno.public_id}"' in page
    assert 'value="late" checked' in page  # the choice is kept
    assert not Register.objects.exists()


def test_minutes_out_of_range_are_refused(world, login, maths_a):
    s = lesson(maths_a)
    response = login(world.teacher_maths).post(
        page_url(s), form_data(**{str(world.bruno.public_id): ("late", 999)})
    )
    assert response.status_code == 422
    assert not Register.objects.exists()


def test_stale_version_shows_who_saved_keeps_my_choices_and_overwrites_nothing(world, login, maths_a):
    s = lesson(maths_a)
    take(world.teacher_maths, s, {world.alice: "absent"})
    take(world.cpe, s, {world.alice: ("late", 5)}, version=1)
    client = login(world.teacher_maths)
    response = client.post(page_url(s), form_data(version="1", **{str(world.bruno.public_id): "absent"}))
    assert response.status_code == 409
    page = response.content.decode()
    assert "enregistré entre-temps par VIE-SCOLAIRE Claire à 10:00" in page
    assert "Recharger sa version" in page
    assert "Sa version : Retard (5 min)" in page  # alice differs
    assert 'name="version" value="2"' in page
    assert {(e.student_id, e.status) for e in RegisterEntry.objects.all()} == {(world.alice.pk, "late")}
    # saving again, knowingly, over the other version
    response = client.post(page_url(s), form_data(version="2", **{str(world.bruno.public_id): "absent"}))
    assert response.status_code == 302
    assert {(e.student_id, e.status) for e in RegisterEntry.objects.all()} == {(world.bruno.pk, "absent")}


def test_a_past_day_is_read_only_for_the_teacher(world, login, maths_a):
    s = lesson(maths_a, on=YESTERDAY)
    take(world.cpe, s, {world.alice: "absent"})
    client = login(world.teacher_maths)
    page = client.get(page_url(s)).content.decode()
    assert "ne peut plus être fait ni corrigé" in page
    assert '<fieldset class="roll-field" disabled>' in page
    assert "Valider" not in page
    response = client.post(page_url(s), form_data(version="1"))
    assert response.status_code == 403
    assert RegisterEntry.objects.count() == 1


def test_cancelled_and_future_sessions_cannot_be_taken(world, login, maths_a):
    client = login(world.teacher_maths)
    cancelled = lesson(maths_a, status="cancelled")
    page = client.get(page_url(cancelled)).content.decode()
    assert "Cette séance est annulée" in page and "Valider" not in page
    assert (
        client.post(page_url(cancelled), form_data(**{str(world.alice.public_id): "absent"})).status_code
        == 422
    )
    future = lesson(maths_a, on=TOMORROW)
    assert (
        "à l&#x27;avance" in client.get(page_url(future)).content.decode()
        or "à l'avance" in client.get(page_url(future)).content.decode()
    )
    assert (
        client.post(page_url(future), form_data(**{str(world.alice.public_id): "absent"})).status_code == 422
    )
    assert not Register.objects.exists()


def test_exempted_student_has_a_badge_saying_whether_to_attend(world, login, maths_a):
    Exemption.objects.create(
        establishment=world.lycee,
        student=world.alice,
        subject=world.maths,
        starts_on=TODAY,
        ends_on=TODAY,
        must_attend=False,
    )
    Exemption.objects.create(  # another day of the week: not shown today (a Monday)
        establishment=world.lycee,
        student=world.bruno,
        subject=world.maths,
        starts_on=YESTERDAY,
        ends_on=TOMORROW + dt.timedelta(days=30),
        weekdays=[2],
    )
    page = login(world.teacher_maths).get(page_url(lesson(maths_a))).content.decode()
    assert page.count(">Dispensé<") == 1
    assert "présence non obligatoire" in page


def test_register_page_query_count_does_not_grow_with_the_class(
    world, login, maths_a, django_assert_max_num_queries
):
    s = lesson(maths_a)
    take(world.teacher_maths, s, {world.alice: "absent"})
    client = login(world.teacher_maths)
    client.get(page_url(s))
    with django_assert_max_num_queries(13) as few:
        client.get(page_url(s))
    students = more_students(world.seconde_a, 33)
    for student in students[:5]:
        Exemption.objects.create(
            establishment=world.lycee, student=student, subject=world.maths, starts_on=TODAY, ends_on=TODAY
        )
    take(world.teacher_maths, s, {student: "absent" for student in students[5:10]}, version=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(page_url(s))
    assert response.content.decode().count('class="roll-row') == 35


def test_next_parameter_must_stay_on_the_site(world, login, maths_a):
    s = lesson(maths_a)
    response = login(world.cpe).post(page_url(s), {**form_data(), "next": "https://evil.example/"})
    assert response.url == page_url(s)
    s2 = lesson(maths_a, start="11:00")
    response = login(world.cpe).post(
        page_url(s2), {**form_data(), "next": reverse("attendance:missing_registers")}
    )
    assert response.url == reverse("attendance:missing_registers")


# --- missing registers -----------------------------------------------------------------------------
def test_missing_registers_for_school_life_staff(world, login, maths_a, maths_b):
    due = lesson(maths_a, start="08:00")  # started two hours ago
    lesson(maths_b, start="09:50")  # started ten minutes ago: not yet due (20 minutes)
    taken = lesson(maths_b, start="08:00")
    take(world.teacher_maths, taken, {})
    lesson(maths_a, start="09:00", status="cancelled")
    old = lesson(maths_b, on=TODAY - dt.timedelta(days=3), start="14:00")
    client = login(world.cpe)
    response = client.get(reverse("attendance:missing_registers"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page_url(due) in page and page_url(old) in page
    assert page_url(taken) not in page
    assert page.count("Faire l&#x27;appel") + page.count("Faire l'appel") == 2
    one_day = client.get(
        reverse("attendance:missing_registers"), {"date": (TODAY - dt.timedelta(days=3)).isoformat()}
    )
    assert page_url(old) in one_day.content.decode() and page_url(due) not in one_day.content.decode()


@pytest.mark.parametrize("who", ["teacher_maths", "alice", "alice_mother", "outsider", "secretary"])
def test_missing_registers_is_for_school_life_staff_only(world, login, who):
    assert login(getattr(world, who)).get(reverse("attendance:missing_registers")).status_code == 404


def test_outsider_staff_does_not_see_our_missing_registers(world, login, maths_a):
    from carnet.school.models import StaffFunction
    from carnet.testing.factories import give_function

    give_function(world.outsider, world.ceg, StaffFunction.Kind.SCHOOL_LIFE)
    s = lesson(maths_a, start="08:00")
    client = login(world.outsider)
    response = client.get(reverse("attendance:missing_registers"))
    assert response.status_code == 200 and page_url(s) not in response.content.decode()
    assert client.get(page_url(s)).status_code == 404


def test_missing_registers_query_count(world, login, maths_a, maths_b, django_assert_max_num_queries):
    client = login(world.cpe)
    lesson(maths_a, start="08:00")
    client.get(reverse("attendance:missing_registers"))
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("attendance:missing_registers"))
    for days in range(1, 6):
        lesson(maths_a, on=TODAY - dt.timedelta(days=days), start="08:00")
        lesson(maths_b, on=TODAY - dt.timedelta(days=days), start="09:00")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("attendance:missing_registers"))
    page = response.content.decode()
    assert page.count("Faire l&#x27;appel") + page.count("Faire l'appel") == 11


def test_missing_registers_bad_date(world, login):
    response = login(world.cpe).get(reverse("attendance:missing_registers"), {"date": "2026-13-45"})
    assert response.status_code == 200 and "Date invalide" in response.content.decode()
