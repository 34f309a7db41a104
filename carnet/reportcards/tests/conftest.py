"""Fixtures of the report-card tests: the world's today, a French class with marks and appraisals,
a Beninese CEG class with two semesters, marks, conduct and ranks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from carnet.grades.models import Appraisal, ConductMark
from carnet.school.models import Period, TeachingAssignment
from carnet.testing.factories import SubjectFactory, UserFactory, assign, enroll
from carnet.testing.grades import assessment, mark


@pytest.fixture(autouse=True)
def today(request):
    """2026-11-28 10:00 UTC: Trimestre 1 in France, Semestre 1 in Benin. Browser journeys run on the
    real clock (a frozen clock in the live server's process would stall the browser's waits)."""
    if request.node.get_closest_marker("e2e"):
        yield
        return
    with time_machine.travel(dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def france(world):
    """2nde A: maths (coef 4, Marc Maths) and French (coef 3, Fanny Français) with marks for Alice and
    Bruno in Trimestre 1, and Alice's appraisals."""
    t1 = world.periods[0]
    maths = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)
    french = assign(world.teacher_french, world.seconde_a, world.french, coefficient="3")
    ds = assessment(maths, t1, title="DS 1", held_on=dt.date(2026, 9, 20))
    quiz = assessment(maths, t1, title="Interro", scale="10", coefficient="2", held_on=dt.date(2026, 10, 2))
    essay = assessment(french, t1, title="Dissertation", held_on=dt.date(2026, 10, 5))
    mark(ds, world.alice, "14")
    mark(ds, world.bruno, "10")
    mark(quiz, world.alice, "8")
    mark(quiz, world.bruno, "5")
    mark(essay, world.alice, "12")
    mark(essay, world.bruno, "9")
    lycee = world.lycee
    Appraisal.objects.create(establishment=lycee, period=t1, student=world.alice, kind="subject", subject=world.maths,
                             text="Très bon trimestre.", author=world.teacher_maths)
    Appraisal.objects.create(establishment=lycee, period=t1, student=world.alice, kind="main_teacher",
                             text="Élève sérieuse.", author=world.teacher_maths)
    Appraisal.objects.create(establishment=lycee, period=t1, student=world.alice, kind="council",
                             text="Félicitations du conseil.", mention="Félicitations", author=world.head)
    return {"period": t1, "class": world.seconde_a}


@pytest.fixture
def benin(world):
    """6e M1 of the CEG: Semestre 1 and 2; maths (coef 3, Olivier Dehors) and French (coef 2);
    Koffi Dossou, Awa Bello, Chabi Codjo; conduct marks (Koffi's guardian is Afi, from the world)."""
    ceg, year, klass = world.ceg, world.ceg_year, world.sixieme
    s1 = Period.objects.create(establishment=ceg, school_year=year, kind="semester", number=1, name="Semestre 1",
                               starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2027, 2, 15))
    s2 = Period.objects.create(establishment=ceg, school_year=year, kind="semester", number=2, name="Semestre 2",
                               starts_on=dt.date(2027, 2, 16), ends_on=dt.date(2027, 7, 15))
    maths = TeachingAssignment.objects.get(teacher=world.outsider, school_class=klass)
    TeachingAssignment.objects.filter(pk=maths.pk).update(is_main_teacher=True)
    french_subject = SubjectFactory.create(establishment=ceg, name="Français", short_name="FRAN")
    teacher = UserFactory(first_name="Sika", last_name="Vignon", username="sika.vignon")
    french = assign(teacher, klass, french_subject, coefficient="2")
    awa = UserFactory(first_name="Awa", last_name="Bello", username="awa.bello", sex="F")
    chabi = UserFactory(first_name="Chabi", last_name="Codjo", username="chabi.codjo", sex="M")
    enroll(awa, klass, national_id="BJ2026000002")
    enroll(chabi, klass, national_id="BJ2026000003", repeating=True)
    dossou = world.dossou
    dossou.sex, dossou.birth_date, dossou.birth_place = "M", dt.date(2014, 3, 14), "Porto-Novo"
    dossou.save(update_fields=["sex", "birth_date", "birth_place"])

    def on(day):
        return dt.date(2026, 10, day)

    i1 = assessment(maths, s1, title="Interro 1", kind="interrogation", held_on=on(5))
    i2 = assessment(maths, s1, title="Interro 2", kind="interrogation", held_on=on(12))
    d1 = assessment(maths, s1, title="Devoir 1", kind="devoir", held_on=on(19))
    d2 = assessment(maths, s1, title="Devoir 2", kind="devoir", held_on=on(26))
    fi = assessment(french, s1, title="Interro", kind="interrogation", held_on=on(6))
    fd = assessment(french, s1, title="Devoir", kind="devoir", held_on=on(20))
    for student, values in (
        (dossou, ("12", "14", "15", "11", "10", "11")),
        (awa, ("8", "9", "10", "12", "13", "13")),
        (chabi, ("16", "17", "14", "absent", "9", "8")),
    ):
        for item, value in zip((i1, i2, d1, d2, fi, fd), values, strict=True):
            mark(item, student, value)
    for student, value in ((dossou, "16"), (awa, "14"), (chabi, "12")):
        ConductMark.objects.create(establishment=ceg, period=s1, student=student, value=Decimal(value))
    Appraisal.objects.create(establishment=ceg, period=s1, student=dossou, kind="subject", subject=maths.subject,
                             text="Bon travail.", author=world.outsider)
    Appraisal.objects.create(establishment=ceg, period=s1, student=dossou, kind="council", text="Bon semestre.",
                             mention="Tableau d'honneur", author=world.outsider)
    return {"class": klass, "s1": s1, "s2": s2, "students": (dossou, awa, chabi), "maths": maths, "french": french}
