"""The demo's school life: registers up to now with absences merged into episodes and lateness, some
registers not taken, regularisation, declarations in the CPE's inbox, exemptions, incidents and
measures, session changes to come, the watch list; deterministic; nothing before the school year.

Seeding takes a while (one register service call per lesson): one seed per test function."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Count, F, Max, Min, Q

from carnet.attendance.models import (
    Absence,
    AbsenceDeclaration,
    AbsenceReason,
    AlertRule,
    AttendanceSettings,
    Exemption,
    FamilyContact,
    Lateness,
    Register,
    Regularisation,
    WatchEntry,
)
from carnet.demo.data import BENIN, FRANCE
from carnet.demo.models import DemoAccount
from carnet.demo.schoollife import registers
from carnet.demo.schoollife.registers import school_days
from carnet.demo.services import reset_demo, seed_demo
from carnet.discipline.models import Incident, IncidentParticipant, Measure, MeasureType
from carnet.school import models as school
from carnet.schoollife.models import ConductRule
from carnet.timetable.models import Session, SessionChange

pytestmark = pytest.mark.django_db

UTC = dt.UTC
#: A Thursday of November, mid-afternoon in both schools (15:30 in Lyon and in Cotonou): the
#: morning's lessons are over, the last ones of the day are not.
THURSDAY = dt.datetime(2026, 11, 26, 14, 30, tzinfo=UTC)


def seeded_at(moment: dt.datetime, students: int = 30) -> None:
    with time_machine.travel(moment, tick=False):
        seed_demo(students, report_cards=False)


def establishments() -> list[school.Establishment]:
    return list(school.Establishment.objects.filter(code__in=(FRANCE.code, BENIN.code)).order_by("code"))


def local(establishment: school.Establishment, day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=ZoneInfo(establishment.time_zone))


def counts() -> dict[str, list]:
    """What two seeds at the same moment must both give."""
    result: dict[str, list] = {}
    for model, field in (
        (Register, "session__held_on"),
        (Absence, "starts_at"),
        (Lateness, "occurred_at"),
        (AbsenceDeclaration, "starts_at"),
        (Exemption, "starts_on"),
        (Incident, "occurred_at"),
        (Measure, "decided_on"),
        (SessionChange, "kind"),
        (WatchEntry, "reason"),
        (FamilyContact, "contacted_at"),
    ):
        result[model.__name__] = sorted(
            (code, str(value), n)
            for code, value, n in model.objects.values_list("establishment__code", field).annotate(
                n=Count("id")
            )
        )
    result["states"] = sorted(
        Absence.objects.values_list("establishment__code", "state").annotate(n=Count("id"))
    )
    result["half_days"] = sorted(
        Absence.objects.values_list("student__username", "starts_at", "half_days", "state", "reason__label")
    )
    return result


def test_a_school_day_of_school_life(caplog, monkeypatch):
    caplog.set_level(logging.WARNING, logger="carnet.demo")
    seeded_at(THURSDAY)
    assert not [r for r in caplog.records if r.name == "carnet.demo"], (
        "a service refused something the seed asked"
    )
    for establishment in establishments():
        registers_are_taken_up_to_now_and_not_after(establishment)
        some_past_registers_are_missing_but_the_printed_teacher_has_today_to_take(establishment)
        absences_merge_into_episodes_counted_in_half_days(establishment)
        older_absences_are_regularised_and_families_contacted(establishment)
        declarations_wait_in_the_inbox(establishment)
        exemptions_are_one_off_or_weekly(establishment)
        incidents_have_participants_and_measures(establishment)
        sessions_change_in_the_coming_days(establishment)
        the_watch_list_has_someone(establishment)
        nothing_is_dated_after_now(establishment)
        a_bigger_school_gets_fewer_weeks_of_registers(establishment, monkeypatch)
    only_benin_has_a_conduct_rule()
    single = Absence.objects.annotate(lessons=Count("sessions")).filter(lessons=1)
    assert single.exists() and single.filter(half_days=1).count() == single.count(), (
        "a missed lesson: one half-day"
    )


def registers_are_taken_up_to_now_and_not_after(establishment):
    registers = Register.objects.filter(establishment=establishment).select_related("session", "taken_by")
    assert registers.count() > 50
    today = THURSDAY.astimezone(ZoneInfo(establishment.time_zone)).date()
    span = registers.aggregate(first=Min("session__held_on"), last=Max("session__held_on"))
    assert span["last"] == today
    assert today - dt.timedelta(days=28) <= span["first"] <= today - dt.timedelta(days=14), (
        "about three weeks of registers"
    )
    for register in registers:
        session = register.session
        assert local(establishment, session.held_on, session.end_time) <= THURSDAY, (
            "a register of a lesson not over"
        )
        assert local(establishment, session.held_on, session.start_time) < register.taken_at <= THURSDAY
        assert register.taken_at == register.updated_at and register.version == 1
    takers = Counter("teacher" if r.taken_by_id == r.session.teacher_id else "school life" for r in registers)
    assert takers["teacher"] > 10 * takers["school life"], "teachers take their registers, school life a few"
    settings = AttendanceSettings.objects.get(establishment=establishment)
    assert settings.correction_same_day_only, "the setting the seed relaxed is put back"


def some_past_registers_are_missing_but_the_printed_teacher_has_today_to_take(establishment):
    taken = Register.objects.filter(establishment=establishment)
    days = taken.values("session__held_on")
    missing = [
        s
        for s in Session.objects.filter(
            establishment=establishment,
            held_on__in=days,
            status=Session.Status.SCHEDULED,
            register__isnull=True,
        )
        if local(establishment, s.held_on, s.end_time) <= THURSDAY
    ]
    total = taken.count() + len(missing)
    assert 0.01 * total <= len([s for s in missing if s.held_on < THURSDAY.date()]) <= 0.12 * total
    printed = DemoAccount.objects.filter(
        establishment=establishment, role__in=("teacher", "main_teacher", "teacher_parent")
    ).values("user")
    today = Session.objects.filter(establishment=establishment, held_on=THURSDAY.date(), teacher__in=printed)
    assert today.exists()
    assert not today.filter(register__isnull=False).exists(), (
        "today's registers are left to the printed teachers"
    )


def absences_merge_into_episodes_counted_in_half_days(establishment):
    absences = Absence.objects.filter(establishment=establishment, source=Absence.Source.REGISTER).annotate(
        lessons=Count("sessions")
    )
    assert absences.count() >= 5
    assert absences.filter(lessons__gte=3).exists(), "consecutive lessons make one episode"
    assert absences.filter(half_days=2).exists(), "a whole day counts two half-days"
    zone = ZoneInfo(establishment.time_zone)
    for absence in absences:
        assert absence.starts_at.astimezone(zone).date() == absence.ends_at.astimezone(zone).date()
        assert absence.guardians_notified_at is not None, "the seed must not send a flood of messages"
        assert absence.starts_at < absence.created_at <= THURSDAY
    assert (
        Lateness.objects.filter(establishment=establishment, minutes__range=(5, 20)).count()
        == Lateness.objects.filter(establishment=establishment).count()
        > 0
    )


def older_absences_are_regularised_and_families_contacted(establishment):
    absences = Absence.objects.filter(establishment=establishment)
    recent = absences.filter(starts_at__gte=THURSDAY - dt.timedelta(days=3))
    assert not recent.filter(state=Regularisation.JUSTIFIED).exclude(declarations__isnull=False).exists(), (
        "recent absences wait for the family, unless a declaration justified them"
    )
    older = absences.filter(starts_at__lt=THURSDAY - dt.timedelta(days=3))
    states = Counter(older.values_list("state", flat=True))
    assert states[Regularisation.JUSTIFIED] > states[Regularisation.TO_JUSTIFY]
    for absence in older.filter(state=Regularisation.JUSTIFIED):
        assert absence.reason is not None and absence.reason.justifies
    assert set(
        FamilyContact.objects.filter(establishment=establishment).values_list("channel", flat=True)
    ) >= {"call", "sms"}


def declarations_wait_in_the_inbox(establishment):
    declarations = AbsenceDeclaration.objects.filter(establishment=establishment)
    pending = declarations.filter(status=AbsenceDeclaration.Status.PENDING)
    assert pending.filter(starts_at__gt=THURSDAY).exists(), "one declared in advance"
    after = pending.filter(ends_at__lte=THURSDAY).exclude(document="")
    assert set(after.values_list("document_type", flat=True)) == {"image/png", "application/pdf"}
    for declaration in after:
        with declaration.document.open("rb") as document:
            head = document.read(8)
        assert head.startswith(b"\x89PNG") or head.startswith(b"%PDF-")
    accepted = declarations.filter(status=AbsenceDeclaration.Status.ACCEPTED)
    assert accepted.exists()
    for declaration in accepted:
        assert declaration.absences.filter(state=Regularisation.JUSTIFIED).exists()


def exemptions_are_one_off_or_weekly(establishment):
    exemptions = Exemption.objects.filter(establishment=establishment)
    assert exemptions.count() >= 3
    assert set(exemptions.values_list("subject__name", flat=True)) == {"EPS"}
    assert exemptions.filter(starts_on=F("ends_on")).exists()
    assert exemptions.exclude(weekdays=[]).exists()
    assert {True, False} == set(exemptions.values_list("must_attend", flat=True))
    assert exemptions.exclude(certificate="").exists()


def incidents_have_participants_and_measures(establishment):
    incidents = Incident.objects.filter(establishment=establishment)
    assert incidents.count() >= 3
    roles = set(
        IncidentParticipant.objects.filter(incident__establishment=establishment).values_list(
            "role", flat=True
        )
    )
    assert roles == {"author", "victim", "witness"}
    measures = Measure.objects.filter(establishment=establishment).select_related(
        "measure_type", "decided_by"
    )
    assert {m.measure_type.category for m in measures} == {
        MeasureType.Category.PUNISHMENT,
        MeasureType.Category.SANCTION,
    }
    heads = school.StaffFunction.objects.filter(
        establishment=establishment, kind__in=("head", "deputy")
    ).values_list("user_id", flat=True)
    for measure in measures:
        assert measure.incident.participants.filter(student=measure.student).exists()
        if measure.measure_type.category == MeasureType.Category.SANCTION:
            assert measure.decided_by_id in set(heads)
    assert measures.filter(status=Measure.Status.DONE).exists()


def sessions_change_in_the_coming_days(establishment):
    changes = SessionChange.objects.filter(establishment=establishment).select_related("session")
    assert {c.kind for c in changes} == {"cancelled", "room", "replacement"}
    for change in changes:
        assert change.session.held_on > THURSDAY.date()
    assert Session.objects.filter(establishment=establishment, status=Session.Status.CANCELLED).count() == 1


def the_watch_list_has_someone(establishment):
    entries = WatchEntry.objects.filter(establishment=establishment, cleared_at__isnull=True).select_related(
        "rule"
    )
    assert entries.exists()
    assert {e.rule.kind for e in entries} >= {
        AlertRule.Kind.UNJUSTIFIED_HALF_DAYS,
        AlertRule.Kind.CONSECUTIVE_DAYS,
    }
    assert AbsenceReason.objects.filter(establishment=establishment).exists()


def nothing_is_dated_after_now(establishment):
    today = THURSDAY.date()
    assert not Absence.objects.filter(establishment=establishment, ends_at__gt=THURSDAY).exists()
    assert not Lateness.objects.filter(establishment=establishment, occurred_at__gt=THURSDAY).exists()
    assert not Register.objects.filter(
        Q(taken_at__gt=THURSDAY) | Q(session__held_on__gt=today), establishment=establishment
    ).exists()
    assert not Incident.objects.filter(establishment=establishment, occurred_at__gt=THURSDAY).exists()
    assert not Measure.objects.filter(
        Q(decided_on__gt=today) | Q(due_on__gt=today), establishment=establishment
    ).exists()
    assert not FamilyContact.objects.filter(establishment=establishment, contacted_at__gt=THURSDAY).exists()
    assert not Exemption.objects.filter(establishment=establishment, starts_on__gt=today).exists()


def a_bigger_school_gets_fewer_weeks_of_registers(establishment, monkeypatch):
    year = school.SchoolYear.objects.get(establishment=establishment, is_current=True)
    today = THURSDAY.astimezone(ZoneInfo(establishment.time_zone)).date()
    assert len(school_days(establishment, year, today)) == 15, "three weeks in a small school"
    monkeypatch.setattr(registers, "REGISTER_BUDGET", 10)
    days = school_days(establishment, year, today)
    assert len(days) == 4 and days[-1] == today, "the three school days before today, at least"
    monkeypatch.undo()


def only_benin_has_a_conduct_rule():
    assert list(ConductRule.objects.values_list("establishment__code", flat=True)) == [BENIN.code]


def test_the_same_moment_gives_the_same_school_life_and_reset_removes_it(django_capture_on_commit_callbacks):
    seeded_at(THURSDAY)
    first = counts()
    assert first["Register"] and first["WatchEntry"] and first["Measure"]
    storage = AbsenceDeclaration._meta.get_field("document").storage
    files = [d.document.name for d in AbsenceDeclaration.objects.exclude(document="")]
    files += [e.certificate.name for e in Exemption.objects.exclude(certificate="")]
    assert len(files) >= 4 and all(storage.exists(name) for name in files)
    with django_capture_on_commit_callbacks(execute=True):
        reset_demo()
    for model in (
        Register,
        Absence,
        Lateness,
        AbsenceDeclaration,
        Exemption,
        Incident,
        Measure,
        WatchEntry,
        MeasureType,
    ):
        assert not model.objects.exists(), model.__name__
    assert not any(storage.exists(name) for name in files), "the documents leave with the demo"
    seeded_at(THURSDAY)
    assert counts() == first


def test_before_the_school_year_there_is_only_the_settings():
    seeded_at(dt.datetime(2026, 8, 20, 9, 0, tzinfo=UTC))
    for model in (
        Register,
        Absence,
        Lateness,
        AbsenceDeclaration,
        Exemption,
        Incident,
        Measure,
        SessionChange,
        WatchEntry,
    ):
        assert not model.objects.exists(), model.__name__
    assert AttendanceSettings.objects.count() == 2
    assert AlertRule.objects.filter(establishment__code=FRANCE.code).count() == 2
    assert AbsenceReason.objects.filter(establishment__code=BENIN.code, label="Deuil").exists()
    assert ConductRule.objects.filter(establishment__code=BENIN.code).exists()
