"""From registers to absence episodes and lateness rows (`episodes.sync_session`): consecutive
sessions merge, a present session splits, corrections shrink, split or delete an episode (except a
regularised one, which keeps a note), lateness rows follow the register, absences declared or
entered by staff take the sessions they cover."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from carnet.attendance.models import Absence, AttendanceSettings, Lateness, Regularisation
from carnet.attendance.services.episodes import sync_session
from carnet.attendance.tests import registers_helpers as h
from carnet.attendance.tests.registers_helpers import TODAY, lesson, take

frozen, maths_a = h.frozen, h.maths_a
pytestmark = pytest.mark.usefixtures("frozen")
PARIS = ZoneInfo("Europe/Paris")


def local(hour: int, minute: int = 0, day: dt.date = TODAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def episodes(student):
    """(start, end, half_days, session start times) of the student's absences, in order."""
    return [
        (
            a.starts_at.astimezone(PARIS).strftime("%H:%M"),
            a.ends_at.astimezone(PARIS).strftime("%H:%M"),
            a.half_days,
            sorted(s.start_time.strftime("%H:%M") for s in a.sessions.all()),
        )
        for a in Absence.objects.filter(student=student).order_by("starts_at")
    ]


@pytest.fixture
def day(maths_a):
    """Four maths lessons of 2nde A today: 08:00, 09:00, 10:00 and 14:00."""
    return [lesson(maths_a, start=start) for start in ("08:00", "09:00", "10:00", "14:00")]


def test_consecutive_absent_sessions_make_one_episode(world, day):
    take(world.teacher_maths, day[0], {world.alice: "absent"})
    take(world.teacher_maths, day[1], {world.alice: "absent"})
    assert episodes(world.alice) == [("08:00", "10:00", 1, ["08:00", "09:00"])]
    absence = Absence.objects.get()
    assert absence.source == Absence.Source.REGISTER and absence.state == Regularisation.TO_JUSTIFY
    assert absence.school_year == world.year and absence.created_by == world.teacher_maths
    assert absence.guardians_notified_at is None
    assert not Absence.objects.filter(student=world.bruno).exists()


def test_a_present_session_between_splits(world, day):
    take(world.teacher_maths, day[0], {world.alice: "absent"})
    take(world.teacher_maths, day[1], {})
    take(world.teacher_maths, day[2], {world.alice: "absent"})
    assert episodes(world.alice) == [("08:00", "09:00", 1, ["08:00"]), ("10:00", "11:00", 1, ["10:00"])]


def test_a_late_session_between_splits_too(world, day):
    take(world.teacher_maths, day[0], {world.alice: "absent"})
    take(world.teacher_maths, day[1], {world.alice: ("late", 5)})
    take(world.teacher_maths, day[2], {world.alice: "absent"})
    assert len(episodes(world.alice)) == 2


def test_a_register_not_taken_does_not_split_and_taking_it_later_does(world, day):
    take(world.teacher_maths, day[0], {world.alice: "absent"})
    take(world.teacher_maths, day[2], {world.alice: "absent"})
    assert episodes(world.alice) == [("08:00", "11:00", 1, ["08:00", "10:00"])]
    first = Absence.objects.get()
    first.guardians_notified_at = h.NOW
    first.save(update_fields=["guardians_notified_at"])
    take(world.teacher_maths, day[1], {})  # she was there at 09:00
    assert episodes(world.alice) == [("08:00", "09:00", 1, ["08:00"]), ("10:00", "11:00", 1, ["10:00"])]
    kept = Absence.objects.get(pk=first.pk)  # the episode keeps its identity, the new part is new
    assert kept.guardians_notified_at == h.NOW
    assert Absence.objects.exclude(pk=first.pk).get().guardians_notified_at is None


def test_morning_and_afternoon_make_two_half_days(world, day):
    take(world.teacher_maths, day[2], {world.alice: "absent"})
    take(world.teacher_maths, day[3], {world.alice: "absent"})
    assert episodes(world.alice) == [("10:00", "15:00", 2, ["10:00", "14:00"])]


def test_the_afternoon_start_is_the_establishments(world, day):
    AttendanceSettings.objects.create(establishment=world.lycee, afternoon_starts_at=dt.time(15, 0))
    take(world.teacher_maths, day[2], {world.alice: "absent"})
    take(world.teacher_maths, day[3], {world.alice: "absent"})
    assert episodes(world.alice)[0][2] == 1


def test_correction_to_present_deletes_the_episode(world, day):
    take(world.teacher_maths, day[0], {world.alice: "absent"})
    take(world.teacher_maths, day[0], {}, version=1)
    assert not Absence.objects.exists()


def test_correction_shrinks_the_episode_and_keeps_it(world, day):
    take(world.teacher_maths, day[0], {world.alice: "absent"})
    take(world.teacher_maths, day[1], {world.alice: "absent"})
    before = Absence.objects.get()
    take(world.teacher_maths, day[1], {}, version=1)
    assert episodes(world.alice) == [("08:00", "09:00", 1, ["08:00"])]
    assert Absence.objects.get().public_id == before.public_id


def test_correction_in_the_middle_splits_the_episode(world, day):
    for s in day[:3]:
        take(world.teacher_maths, s, {world.alice: "absent"})
    assert episodes(world.alice) == [("08:00", "11:00", 1, ["08:00", "09:00", "10:00"])]
    take(world.teacher_maths, day[1], {}, version=1)
    assert episodes(world.alice) == [("08:00", "09:00", 1, ["08:00"]), ("10:00", "11:00", 1, ["10:00"])]


def test_a_new_absence_next_to_an_episode_extends_it(world, day):
    take(world.teacher_maths, day[1], {world.alice: "absent"})
    take(world.teacher_maths, day[2], {})
    first = Absence.objects.get()
    take(world.teacher_maths, day[2], {world.alice: "absent"}, version=1)
    assert episodes(world.alice) == [("09:00", "11:00", 1, ["09:00", "10:00"])]
    assert Absence.objects.get().pk == first.pk


def test_a_regularised_episode_is_kept_with_a_note(world, day):
    take(world.teacher_maths, day[0], {world.alice: "absent"})
    take(world.teacher_maths, day[1], {world.alice: "absent"})
    absence = Absence.objects.get()
    absence.state = Regularisation.JUSTIFIED
    absence.save(update_fields=["state"])
    take(world.teacher_maths, day[1], {}, version=1)
    absence.refresh_from_db()
    assert episodes(world.alice) == [("08:00", "10:00", 1, ["08:00", "09:00"])]
    assert absence.state == Regularisation.JUSTIFIED
    assert absence.comment == "Appel corrigé après régularisation : présent à 09:00."
    # the note is written once
    take(world.teacher_maths, day[2], {world.bruno: "absent"})
    sync_session(session=day[1], actor=world.teacher_maths)
    absence.refresh_from_db()
    assert absence.comment.count("Appel corrigé") == 1


def test_a_new_absence_next_to_a_regularised_episode_is_a_new_episode(world, day):
    take(world.teacher_maths, day[0], {world.alice: "absent"})
    absence = Absence.objects.get()
    absence.state = Regularisation.UNJUSTIFIED
    absence.save(update_fields=["state"])
    take(world.teacher_maths, day[1], {world.alice: "absent"})
    assert episodes(world.alice) == [("08:00", "09:00", 1, ["08:00"]), ("09:00", "10:00", 1, ["09:00"])]


def test_other_days_are_separate_episodes(world, maths_a):
    yesterday = lesson(maths_a, on=h.YESTERDAY, start="16:00")
    today = lesson(maths_a, start="08:00")
    take(world.cpe, yesterday, {world.alice: "absent"})
    take(world.teacher_maths, today, {world.alice: "absent"})
    assert Absence.objects.filter(student=world.alice).count() == 2


def test_group_sessions_count_for_their_students(world, maths_a):
    latin = h.group_assignment(world, [world.alice])
    maths = lesson(maths_a, start="08:00")
    group = lesson(latin, start="09:00")
    take(world.teacher_maths, maths, {world.alice: "absent"})
    take(world.teacher_french, group, {world.alice: "absent"})
    assert episodes(world.alice) == [("08:00", "10:00", 1, ["08:00", "09:00"])]
    # a group register where she is present splits a later absence
    maths_again = lesson(maths_a, start="10:00")
    take(world.teacher_french, group, {}, version=1)
    take(world.teacher_maths, maths_again, {world.alice: "absent"})
    assert len(episodes(world.alice)) == 2


def test_a_group_session_does_not_split_for_students_outside_the_group(world, maths_a):
    latin = h.group_assignment(world, [world.chloe])
    take(world.teacher_maths, lesson(maths_a, start="08:00"), {world.bruno: "absent"})
    take(world.teacher_french, lesson(latin, start="09:00"), {})
    take(world.teacher_maths, lesson(maths_a, start="10:00"), {world.bruno: "absent"})
    assert episodes(world.bruno) == [("08:00", "11:00", 1, ["08:00", "10:00"])]


def test_cancelling_a_session_after_its_register_removes_its_absences(world, day):
    take(world.teacher_maths, day[0], {world.alice: "absent", world.bruno: ("late", 5)})
    day[0].status = "cancelled"
    day[0].save(update_fields=["status"])
    result = sync_session(session=day[0], actor=world.cpe)
    assert result.deleted == 1 and result.latenesses_deleted == 1
    assert not Absence.objects.exists() and not Lateness.objects.exists()


# --- lateness -------------------------------------------------------------------------------------
def test_late_makes_a_lateness_row(world, day):
    take(world.teacher_maths, day[1], {world.bruno: ("late", 10)})
    lateness = Lateness.objects.get()
    assert (lateness.student, lateness.session, lateness.minutes) == (world.bruno, day[1], 10)
    assert lateness.occurred_at == local(9)
    assert lateness.state == Regularisation.TO_JUSTIFY and lateness.guardians_notified_at is None
    assert not Absence.objects.exists()


def test_lateness_follows_corrections(world, day):
    take(world.teacher_maths, day[1], {world.bruno: ("late", 10)})
    first = Lateness.objects.get()
    take(world.teacher_maths, day[1], {world.bruno: ("late", 20)}, version=1)
    assert Lateness.objects.get().pk == first.pk and Lateness.objects.get().minutes == 20
    take(world.teacher_maths, day[1], {world.bruno: "absent"}, version=2)
    assert not Lateness.objects.exists()
    assert episodes(world.bruno) == [("09:00", "10:00", 1, ["09:00"])]


def test_a_regularised_lateness_is_kept_with_a_note(world, day):
    take(world.teacher_maths, day[1], {world.bruno: ("late", 10)})
    Lateness.objects.update(state=Regularisation.JUSTIFIED)
    take(world.teacher_maths, day[1], {}, version=1)
    lateness = Lateness.objects.get()
    assert lateness.comment == "Appel corrigé après régularisation : plus en retard."


def test_a_long_lateness_counts_as_an_absence_when_the_establishment_says_so(world, day):
    AttendanceSettings.objects.create(establishment=world.lycee, late_as_absence_minutes=30)
    take(world.teacher_maths, day[0], {world.alice: ("late", 45), world.bruno: ("late", 30)})
    assert episodes(world.alice) == [("08:00", "09:00", 1, ["08:00"])]
    assert not Lateness.objects.filter(student=world.alice).exists()
    assert Lateness.objects.get(student=world.bruno).minutes == 30
    assert not Absence.objects.filter(student=world.bruno).exists()


# --- absences declared or entered by staff ----------------------------------------------------------
def declared(world, student, start: dt.datetime, end: dt.datetime, source=Absence.Source.GUARDIAN):
    return Absence.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        student=student,
        starts_at=start,
        ends_at=end,
        half_days=1,
        source=source,
    )


def test_a_declared_absence_takes_the_sessions_it_covers(world, day):
    morning = declared(world, world.alice, local(8), local(12))
    take(world.teacher_maths, day[0], {world.alice: "absent"})
    take(world.teacher_maths, day[1], {world.alice: "absent"})
    assert Absence.objects.count() == 1
    assert sorted(s.start_time.hour for s in morning.sessions.all()) == [8, 9]
    # present after all at 09:00: the session leaves the declared absence, which stays
    take(world.teacher_maths, day[1], {}, version=1)
    assert [s.start_time.hour for s in morning.sessions.all()] == [8]


def test_a_session_not_wholly_covered_gets_its_own_episode(world, day):
    staff = declared(world, world.alice, local(8), local(9, 30), source=Absence.Source.STAFF)
    take(world.teacher_maths, day[0], {world.alice: "absent"})
    take(world.teacher_maths, day[1], {world.alice: "absent"})
    assert [s.start_time.hour for s in staff.sessions.all()] == [8]
    register_made = Absence.objects.get(source=Absence.Source.REGISTER)
    assert [s.start_time.hour for s in register_made.sessions.all()] == [9]
