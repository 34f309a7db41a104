"""The "Année scolaire" page: periods and holiday calendar, edited by the head and deputies only."""

import datetime as dt
import html as htmllib

import pytest
from django.urls import reverse

from carnet.audit.models import AuditEvent
from carnet.core.errors import PermissionDenied, ValidationFailed
from carnet.school.models import CalendarEvent, Period, StaffFunction
from carnet.school.services import calendar as service
from carnet.testing.factories import UserFactory, give_function

URL = "/etablissement/annee/"


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


@pytest.fixture
def toussaint(world):
    return CalendarEvent.objects.create(
        establishment=world.lycee, school_year=world.year, kind="holiday", name="Vacances de la Toussaint",
        starts_on=dt.date(2026, 10, 17), ends_on=dt.date(2026, 11, 2),
    )


def periods_post(world, rows):
    prefix = f"y{world.year.pk}-p"
    data = {}
    for number, (name, start, end) in enumerate(rows, start=1):
        data[f"{prefix}-name_{number}"] = name
        data[f"{prefix}-starts_on_{number}"] = start
        data[f"{prefix}-ends_on_{number}"] = end
    return data


GOOD = [("T1", "2026-09-01", "2026-12-04"), ("T2", "2026-12-05", "2027-03-12"), ("T3", "2027-03-13", "2027-07-04")]


def test_url_names():
    assert reverse("school:calendar") == URL


def test_head_sees_dates_periods_and_sorted_events_with_edit_forms(world, login, toussaint, django_assert_max_num_queries):
    CalendarEvent.objects.create(establishment=world.lycee, school_year=world.year, kind="closed", name="Armistice",
                                 starts_on=dt.date(2026, 11, 11), ends_on=dt.date(2026, 11, 11))
    client = login(world.head)
    with django_assert_max_num_queries(18):
        response = client.get(URL)
    page = text(response)
    assert response.status_code == 200
    assert "Lycée Victor-Hugo · 2026-2027" in page and "Du 1 septembre 2026 au 4 juillet 2027" in page
    assert page.index("Vacances de la Toussaint") < page.index("Armistice")
    assert "Trimestre 3" in page and 'value="2027-03-11"' in page
    assert "Enregistrer les périodes" in page and "Changer le découpage" in page and "Ajouter au calendrier" in page
    assert "CEG Akpakpa" not in page


def test_query_count_does_not_grow_with_events(world, login, toussaint, django_assert_max_num_queries):
    for day in range(1, 20):
        CalendarEvent.objects.create(establishment=world.lycee, school_year=world.year, kind="closed", name=f"Jour {day}",
                                     starts_on=dt.date(2027, 1, day), ends_on=dt.date(2027, 1, day))
    client = login(world.head)
    with django_assert_max_num_queries(18):
        assert client.get(URL).status_code == 200


def test_cpe_reads_without_forms_and_cannot_post(world, login, toussaint):
    client = login(world.cpe)
    page = text(client.get(URL))
    assert "Trimestre 1" in page and "Vacances de la Toussaint" in page
    assert "Enregistrer les périodes" not in page and "Ajouter au calendrier" not in page and "Retirer" not in page
    response = client.post(reverse("school:calendar_periods", args=[world.year.public_id]), periods_post(world, GOOD))
    assert response.status_code == 403
    response = client.post(reverse("school:calendar_event_delete", args=[toussaint.public_id]))
    assert response.status_code == 403
    response = client.post(reverse("school:calendar_scheme", args=[world.year.public_id]), {f"y{world.year.pk}-s-kind": "semester"})
    assert response.status_code == 403
    assert [p.name for p in Period.objects.filter(school_year=world.year)] == ["Trimestre 1", "Trimestre 2", "Trimestre 3"]
    assert CalendarEvent.objects.filter(pk=toussaint.pk).exists()
    assert not AuditEvent.objects.filter(action__startswith="period").exists()


@pytest.mark.parametrize("who", ["teacher_maths", "alice_mother"])
def test_non_administrative_people_are_refused(world, login, toussaint, who):
    client = login(getattr(world, who))
    assert client.get(URL).status_code == 403
    assert client.post(reverse("school:calendar_periods", args=[world.year.public_id]), periods_post(world, GOOD)).status_code == 404
    assert client.post(reverse("school:calendar_event_delete", args=[toussaint.public_id])).status_code == 404
    assert CalendarEvent.objects.filter(pk=toussaint.pk).exists()
    assert Period.objects.get(school_year=world.year, number=1).ends_on == dt.date(2026, 11, 30)


def test_outsider_gets_404_on_the_lycee_objects(world, login, toussaint):
    give_function(world.outsider, world.ceg, StaffFunction.Kind.HEAD)
    client = login(world.outsider)
    page = text(client.get(URL))
    assert "CEG Akpakpa" in page and "Lycée Victor-Hugo" not in page
    assert client.get(reverse("school:calendar_event_delete", args=[toussaint.public_id])).status_code == 404
    assert client.post(reverse("school:calendar_event_delete", args=[toussaint.public_id])).status_code == 404
    assert client.post(reverse("school:calendar_periods", args=[world.year.public_id]), periods_post(world, GOOD)).status_code == 404
    assert client.post(reverse("school:calendar_event_add", args=[world.year.public_id]), {}).status_code == 404
    assert CalendarEvent.objects.filter(pk=toussaint.pk).exists()


def test_head_edits_periods_and_each_change_is_audited(world, login):
    response = login(world.head).post(reverse("school:calendar_periods", args=[world.year.public_id]), periods_post(world, GOOD))
    assert response.status_code == 302
    periods = list(Period.objects.filter(school_year=world.year).order_by("number"))
    assert [(p.name, p.starts_on, p.ends_on) for p in periods] == [
        ("T1", dt.date(2026, 9, 1), dt.date(2026, 12, 4)),
        ("T2", dt.date(2026, 12, 5), dt.date(2027, 3, 12)),
        ("T3", dt.date(2027, 3, 13), dt.date(2027, 7, 4)),
    ]
    events = AuditEvent.objects.filter(action="period.update").order_by("id")
    assert events.count() == 3
    assert events[0].actor == world.head and events[0].changes["ends_on"] == ["2026-11-30", "2026-12-04"]
    assert events[0].changes["name"] == ["Trimestre 1", "T1"]


def test_deputy_may_edit_too(world, login):
    deputy = UserFactory(first_name="Denis", last_name="Adjoint", username="denis.adjoint")
    give_function(deputy, world.lycee, StaffFunction.Kind.DEPUTY)
    response = login(deputy).post(reverse("school:calendar_periods", args=[world.year.public_id]), periods_post(world, GOOD))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("T1", "2026-09-01", "2026-08-30"), GOOD[1], GOOD[2]], "« T1 » doit se terminer après son début."),
        ([GOOD[0], ("T2", "2026-12-01", "2027-03-12"), GOOD[2]], "« T2 » doit commencer après la fin de « T1 » (le 04/12/2026)."),
        ([GOOD[0], GOOD[1], ("T3", "2027-03-13", "2027-07-20")], "« T3 » doit se situer dans l'année scolaire, du 01/09/2026 au 04/07/2027."),
    ],
)
def test_period_validation_names_the_period_and_changes_nothing(world, login, rows, message):
    response = login(world.head).post(reverse("school:calendar_periods", args=[world.year.public_id]), periods_post(world, rows))
    assert response.status_code == 422
    assert message in text(response)
    assert Period.objects.get(school_year=world.year, number=1).name == "Trimestre 1"
    assert not AuditEvent.objects.filter(action="period.update").exists()


def test_period_form_requires_dates(world, login):
    data = periods_post(world, GOOD)
    data[f"y{world.year.pk}-p-starts_on_2"] = "pas une date"
    response = login(world.head).post(reverse("school:calendar_periods", args=[world.year.public_id]), data)
    assert response.status_code == 422 and "Vérifiez les dates des périodes." in text(response)


def test_switching_to_semesters_regenerates_default_dates_and_is_audited(world, login):
    client = login(world.head)
    response = client.post(reverse("school:calendar_scheme", args=[world.year.public_id]), {f"y{world.year.pk}-s-kind": "semester"})
    assert response.status_code == 302
    periods = list(Period.objects.filter(school_year=world.year).order_by("number"))
    assert [(p.kind, p.name, p.starts_on, p.ends_on) for p in periods] == [
        ("semester", "Semestre 1", dt.date(2026, 9, 1), dt.date(2027, 1, 31)),
        ("semester", "Semestre 2", dt.date(2027, 2, 1), dt.date(2027, 7, 4)),
    ]
    event = AuditEvent.objects.get(action="period.scheme_change")
    assert event.changes["kind"] == ["trimester", "semester"] and len(event.changes["periods"][0]) == 3


def test_head_adds_and_deletes_a_holiday_with_audit(world, login):
    client = login(world.head)
    prefix = f"y{world.year.pk}-e"
    response = client.post(reverse("school:calendar_event_add", args=[world.year.public_id]), {
        f"{prefix}-name": "Vacances de Noël", f"{prefix}-kind": "holiday",
        f"{prefix}-starts_on": "2026-12-19", f"{prefix}-ends_on": "2027-01-03",
    })
    assert response.status_code == 302
    event = CalendarEvent.objects.get(name="Vacances de Noël")
    assert (event.establishment, event.school_year, event.kind) == (world.lycee, world.year, "holiday")
    created = AuditEvent.objects.get(action="calendar_event.create")
    assert created.actor == world.head and created.changes["starts_on"] == [None, "2026-12-19"]
    url = reverse("school:calendar_event_delete", args=[event.public_id])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Vacances de Noël" in text(confirm)
    assert CalendarEvent.objects.filter(pk=event.pk).exists()
    assert client.post(url).status_code == 302
    assert not CalendarEvent.objects.filter(pk=event.pk).exists()
    deleted = AuditEvent.objects.get(action="calendar_event.delete")
    assert deleted.changes["name"] == ["Vacances de Noël", None] and deleted.object_id == str(event.public_id)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-12-19", "2026-12-18", "La date de fin doit être le même jour que le début ou après."),
        ("2026-08-20", "2026-08-30", "Les dates doivent se situer dans l'année scolaire, du 01/09/2026 au 04/07/2027."),
    ],
)
def test_event_dates_are_checked(world, login, start, end, message):
    prefix = f"y{world.year.pk}-e"
    response = login(world.head).post(reverse("school:calendar_event_add", args=[world.year.public_id]), {
        f"{prefix}-name": "Pont", f"{prefix}-kind": "closed", f"{prefix}-starts_on": start, f"{prefix}-ends_on": end,
    })
    assert response.status_code == 422 and message in text(response)
    assert not CalendarEvent.objects.exists()


def test_services_refuse_the_cpe(world):
    with pytest.raises(PermissionDenied):
        service.add_calendar_event(actor=world.cpe, school_year=world.year, kind="closed", name="Pont",
                                   starts_on=dt.date(2026, 11, 12), ends_on=dt.date(2026, 11, 12))
    with pytest.raises(PermissionDenied):
        service.change_period_scheme(actor=world.cpe, school_year=world.year, kind="semester")
    assert service.can_edit_calendar(world.head, world.lycee)
    assert not service.can_edit_calendar(world.head, world.ceg)
    assert not service.can_edit_calendar(world.outsider, world.lycee)


def test_update_periods_reports_every_problem(world):
    rows = [{"name": "A", "starts_on": dt.date(2026, 9, 1), "ends_on": dt.date(2026, 9, 1)},
            {"name": "B", "starts_on": dt.date(2026, 8, 1), "ends_on": dt.date(2027, 1, 1)},
            {"name": "C", "starts_on": dt.date(2027, 1, 2), "ends_on": dt.date(2027, 7, 4)}]
    with pytest.raises(ValidationFailed) as caught:
        service.update_periods(actor=world.head, school_year=world.year, rows=rows)
    assert len(caught.value.details) == 3


def test_menu_entry_for_administrative_staff_only(world, login):
    assert f'href="{URL}"' in text(login(world.secretary).get("/"))
    assert f'href="{URL}"' not in text(login(world.teacher_maths).get("/"))
