"""Seeding the database: what the two schools contain, who can sign in, determinism, reset, cost."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carnet.audit.models import AuditEvent
from carnet.demo.data import BENIN, FRANCE
from carnet.demo.models import DemoAccount
from carnet.demo.services import DemoExists, DemoResetRefused, demo_exists, demo_logins, reset_demo, seed_demo
from carnet.identity.names import fold
from carnet.school import models as school
from carnet.school.roles import roles_of

User = get_user_model()
K = school.StaffFunction.Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    return seed_demo(30, report_cards=False, school_life=False)  # the report cards have their own test (test_grades)


def state():
    """What must come out the same on every run: identifiers, classes, groups, national ids."""
    return {
        "usernames": list(User.objects.order_by("username").values_list("username", flat=True)),
        "classes": list(school.SchoolClass.objects.order_by("establishment__code", "name").values_list("establishment__code", "name")),
        "groups": sorted(school.TeachingGroup.objects.annotate(n=Count("students")).values_list("name", "n")),
        "national_ids": sorted(school.Enrollment.objects.values_list("student__username", "national_id")),
        "guardianships": sorted(school.Guardianship.objects.values_list("guardian__username", "student__username", "relationship")),
        "mains": sorted(school.TeachingAssignment.objects.filter(is_main_teacher=True).values_list("teacher__username", "school_class__name")),
    }


def test_two_establishments_with_their_year_periods_and_calendar(seeded):
    lycee = school.Establishment.objects.get(code=FRANCE.code)
    ceg = school.Establishment.objects.get(code=BENIN.code)
    assert (lycee.country, lycee.time_zone, lycee.language) == ("FR", "Europe/Paris", "fr")
    assert (ceg.country, ceg.time_zone, ceg.language) == ("BJ", "Africa/Porto-Novo", "fr")
    for establishment, kind, count in ((lycee, "trimester", 3), (ceg, "semester", 2)):
        year = school.SchoolYear.objects.get(establishment=establishment, is_current=True)
        assert year.name == "2026-2027"
        periods = list(year.periods.order_by("number"))
        assert [p.kind for p in periods] == [kind] * count
        assert periods[0].starts_on == year.starts_on and periods[-1].ends_on == year.ends_on
        assert all(a.ends_on < b.starts_on for a, b in zip(periods, periods[1:], strict=False))
    holidays = set(lycee.calendar_events.filter(kind="holiday").values_list("name", flat=True))
    assert holidays == {"Vacances de la Toussaint", "Vacances de Noël", "Vacances d'hiver", "Vacances de printemps"}
    assert ceg.calendar_events.filter(kind="holiday").count() >= 2
    assert list(ceg.levels.values_list("name", flat=True)) == ["6e", "5e", "4e", "3e", "2nde", "1re", "Tle"]
    assert set(ceg.series.values_list("name", flat=True)) == {"A1", "A2", "B", "C", "D"}
    assert school.SchoolClass.objects.filter(establishment=ceg, name__in=["6e M1", "2nde C", "Tle D"]).count() == 3


def test_names_are_normalized_as_save_would(seeded):
    for model in (school.SchoolClass, school.Subject, school.TeachingGroup):
        for name, normalized in model.objects.values_list("name", "normalized_name"):
            assert normalized == model.normalize(name)
    for user in User.objects.all():
        assert user.search_name == fold(f"{user.last_name} {user.first_name} {user.username}")


def test_staff_functions_of_each_establishment(seeded):
    for establishment in school.Establishment.objects.all():
        kinds = list(establishment.staff_functions.exclude(kind=K.TEACHER).values_list("kind", flat=True))
        assert sorted(kinds) == sorted([K.HEAD, K.DEPUTY, K.SCHOOL_LIFE, K.SCHOOL_LIFE, K.SECRETARY, K.IT_ADMIN, K.GUEST])
        guest = establishment.staff_functions.get(kind=K.GUEST)
        assert guest.ends_on is not None
        teachers = establishment.assignments.values("teacher").distinct().count()
        assert establishment.staff_functions.filter(kind=K.TEACHER).count() == teachers


def test_every_class_has_one_main_teacher_and_is_taught(seeded):
    classes = school.SchoolClass.objects.annotate(
        mains=Count("assignments", filter=Q(assignments__is_main_teacher=True)), subjects=Count("assignments")
    )
    assert classes.count() == 3 + 4 + 15  # 2nde, 1re, Tle; 6e to 3e; the second cycle's 3 levels x 5 series
    for school_class in classes:
        assert school_class.mains == 1, school_class.name
        assert school_class.subjects >= 6, school_class.name
    # Second languages: every student of a class with one is in exactly one language group.
    languages = school.Subject.objects.filter(name__in=["Espagnol (LVB)", "Allemand (LVB)", "Espagnol", "Allemand"])
    language_groups = school.TeachingGroup.objects.filter(assignments__subject__in=languages)
    for enrollment in school.Enrollment.objects.filter(school_class__name__in=["2nde 1", "4e M1", "Tle A1"]):
        assert language_groups.filter(students=enrollment.student).count() == 1
    assert school.TeachingGroup.objects.filter(name="2nde 1 TP A", assignments__subject__name="Physique-chimie").exists()


def test_every_student_has_one_or_two_guardians(seeded):
    students = User.objects.filter(enrollments__isnull=False).annotate(n=Count("guardianships_as_student"))
    assert students.count() == 60
    assert set(students.values_list("n", flat=True)) <= {1, 2}
    assert school.Guardianship.objects.filter(relationship="father").exists()
    assert not school.Guardianship.objects.filter(guardian__phone="").exists(), "guardians have a phone"


def test_benin_coefficients_depend_on_level_and_series(seeded):
    def coefficients(name):
        rows = school.TeachingAssignment.objects.filter(school_class__name=name, school_class__establishment__code=BENIN.code)
        return {subject: int(coefficient) for subject, coefficient in rows.values_list("subject__name", "coefficient")}

    assert coefficients("Tle D") == {
        "Mathématiques": 4, "PCT": 5, "SVT": 5, "Français": 2, "Philosophie": 2, "Anglais": 2, "Histoire-Géographie": 2, "EPS": 1,
    }
    tle_a1 = coefficients("Tle A1")
    assert tle_a1["Français"] == 4 and tle_a1["Philosophie"] == 4
    assert "Philosophie" not in coefficients("1re D")
    assert coefficients("6e M1")["Mathématiques"] == 3


def test_printed_logins_sign_in_and_no_one_else_can(seeded, client):
    logins = seeded
    assert len(logins.rows) == 21
    assert logins.url == "http://127.0.0.1:8000"
    for row in logins.rows:
        assert client.login(username=row.username, password=row.password), row.username
        user = User.objects.get(username=row.username)
        validate_password(row.password, user)
        client.logout()
    assert len({row.password for row in logins.rows}) == 21
    usable = [u.username for u in User.objects.all() if u.has_usable_password()]
    assert sorted(usable) == sorted(row.username for row in logins.rows)


def test_printed_accounts_reach_their_home_page(seeded, client):
    for row in seeded.rows:
        client.login(username=row.username, password=row.password)
        assert client.get(reverse("portal:home")).status_code == 200, row.username
        client.logout()


def test_printed_roles_match_what_people_are(seeded):
    accounts = {a.key: a.user for a in DemoAccount.objects.select_related("user")}
    lycee = school.Establishment.objects.get(code=FRANCE.code)
    ceg = school.Establishment.objects.get(code=BENIN.code)
    assert roles_of(accounts["lycee-direction"]).has_function(lycee.pk, K.HEAD)
    assert roles_of(accounts["ceg-adjoint"]).has_function(ceg.pk, K.DEPUTY)
    assert roles_of(accounts["ceg-vie-scolaire"]).has_function(ceg.pk, K.SCHOOL_LIFE)
    assert roles_of(accounts["lycee-prof-principal"]).main_teacher_class_ids
    assert not roles_of(accounts["lycee-professeur"]).main_teacher_class_ids
    assert roles_of(accounts["ceg-prof-parent"]).sides == ["teacher", "guardian"]
    assert roles_of(accounts["lycee-eleve"]).sides == ["student"]
    parent = roles_of(accounts["lycee-parent"])
    assert parent.sides == ["guardian"] and len(parent.child_ids) == 2
    assert roles_of(accounts["lycee-eleve"]).user_id in parent.child_ids
    both = roles_of(accounts["parent-deux-pays"])
    assert both.child_establishment_ids == {lycee.pk, ceg.pk}


def test_seeding_twice_is_refused_and_changes_nothing(seeded):
    users = User.objects.count()
    with pytest.raises(DemoExists):
        seed_demo(30)
    assert User.objects.count() == users
    assert demo_exists()


def test_same_data_after_reset(seeded):
    first = state()
    assert reset_demo() == len(first["usernames"])
    assert not demo_exists()
    assert User.objects.count() == 0 and DemoAccount.objects.count() == 0
    assert school.Enrollment.objects.count() == 0
    seed_demo(30, report_cards=False, school_life=False)
    assert state() == first


def test_reset_keeps_people_of_other_establishments(seeded, world):
    people = User.objects.count()
    demo_people = people - len(world.people())
    assert reset_demo() == demo_people
    assert User.objects.count() == len(world.people())
    assert school.Establishment.objects.count() == 2  # the world's two


def test_reset_is_refused_once_the_demo_has_audit_history(seeded):
    lycee = school.Establishment.objects.get(code=FRANCE.code)
    AuditEvent.objects.create(establishment=lycee, action="demo.test", object_type="establishment")
    users = User.objects.count()
    with pytest.raises(DemoResetRefused):
        reset_demo()
    assert User.objects.count() == users
    assert demo_exists()


def test_query_count_does_not_follow_the_number_of_students():
    # Report cards are the report-cards service's (per class); the marks cost a few inserts.
    with CaptureQueriesContext(connection) as small:
        seed_demo(20, report_cards=False, school_life=False)
    reset_demo()
    with CaptureQueriesContext(connection) as large:
        seed_demo(60, report_cards=False, school_life=False)
    # No query per person: only SQLite's batches of 999 parameters grow (about one per 40 users).
    # The timetable (rooms, slots, the year's sessions in batches) adds a few dozen queries.
    assert len(small.captured_queries) < 130
    assert len(large.captured_queries) - len(small.captured_queries) <= 15


def test_seeding_reports_what_it_built():
    output = io.StringIO()
    # A Thursday afternoon of the school year: one school-life line per establishment.
    with time_machine.travel(dt.datetime(2026, 11, 26, 14, 30, tzinfo=dt.UTC), tick=False):
        seed_demo(30, stdout=output)
    text = output.getvalue()
    assert "Lycée Jean-Jaurès : 30 élèves" in text
    assert "CEG Dantokpa : 30 élèves" in text
    assert text.count("  appels : ") == 2 and "(demi-journées : " in text and "élèves à suivre : " in text


def test_seeding_without_school_life_says_nothing_of_it():
    output = io.StringIO()
    seed_demo(20, stdout=output, report_cards=False, school_life=False)
    assert "appels : " not in output.getvalue()


def test_logins_table_lists_every_account(seeded):
    table = demo_logins().table()
    for row in seeded.rows:
        line = next(line for line in table.splitlines() if f" {row.username} " in line)
        assert row.password in line and row.role in line
    assert "http://127.0.0.1:8000" in table
    assert table.count("Mot de passe") == 3  # one header per block: lycée, CEG, both
