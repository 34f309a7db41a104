"""Deciding and following up measures: who decides what, what is refused, `expires_on`, the
guardians' notification, the version, the audit journal."""

from __future__ import annotations

import datetime as dt

import pytest

from carnet.audit.models import AuditEvent
from carnet.core.errors import NotFound, PermissionDenied, ValidationFailed
from carnet.discipline.errors import MeasureConflict
from carnet.discipline.models import Measure
from carnet.discipline.services import catalogue, measures
from carnet.discipline.services.retention import expiry_for, shift_years
from carnet.discipline.tests.helpers import TODAY, decide, report, types_of
from carnet.notifications.models import Notification
from carnet.school.models import StaffFunction
from carnet.testing.factories import give_function

pytestmark = pytest.mark.django_db


# --- who decides ----------------------------------------------------------------------------------
def test_a_teacher_punishes_a_student_they_teach(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        measure = decide(
            world.teacher_maths, world.alice, "Retenue", world.lycee, due_on=dt.date(2026, 12, 2)
        )
    assert (measure.student, measure.decided_by, measure.school_year, measure.decided_on) == (
        world.alice,
        world.teacher_maths,
        world.year,
        TODAY,
    )
    assert measure.expires_on == dt.date(2027, 7, 4)  # the end of the school year
    assert measure.status == Measure.Status.DECIDED and measure.version == 1
    event = AuditEvent.objects.get(action="discipline.measure_decided")
    assert event.object_repr == "Retenue" and event.changes["student"] == [None, str(world.alice.public_id)]
    assert "Insolence" not in str(event.changes)


def test_a_teacher_may_not_punish_a_student_they_do_not_teach(world):
    with pytest.raises(PermissionDenied):
        decide(world.teacher_french, world.alice, "Retenue", world.lycee)
    assert not Measure.objects.exists()


def test_a_sanction_is_for_the_head_or_a_deputy(world):
    for person in (world.teacher_maths, world.cpe):
        with pytest.raises(PermissionDenied) as refused:
            decide(person, world.alice, "Avertissement", world.lycee)
        assert "chef d'établissement" in str(refused.value.message)
    assert not Measure.objects.exists()
    give_function(world.teacher_french, world.lycee, StaffFunction.Kind.DEPUTY)
    assert decide(world.head, world.alice, "Avertissement", world.lycee).decided_by == world.head
    assert decide(world.teacher_french, world.bruno, "Blâme", world.lycee).decided_by == world.teacher_french


def test_the_cpe_punishes_any_student_of_the_establishment(world):
    assert decide(world.cpe, world.chloe, "Devoir supplémentaire", world.lycee).student == world.chloe


def test_nobody_decides_for_a_student_of_another_establishment(world):
    with pytest.raises(ValidationFailed) as refused:
        decide(world.head, world.dossou, "Retenue", world.lycee)
    assert "student" in refused.value.details
    with pytest.raises(PermissionDenied):
        decide(world.outsider, world.dossou, "Retenue", world.lycee)  # a teacher of the CEG, not of the lycée
    assert not Measure.objects.exists()


def test_a_type_withdrawn_from_the_catalogue_is_refused(world):
    retenue = types_of(world.lycee)["Retenue"]
    catalogue.update_measure_type(actor=world.head, measure_type=retenue, is_active=False)
    with pytest.raises(ValidationFailed) as refused:
        decide(world.cpe, world.alice, "Retenue", world.lycee)
    assert "measure_type" in refused.value.details


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"decided_on": TODAY + dt.timedelta(days=1)}, "decided_on"),
        ({"decided_on": dt.date(2026, 8, 1)}, "decided_on"),  # in no school year
        ({"due_on": TODAY - dt.timedelta(days=1)}, "due_on"),
    ],
)
def test_bad_measure_values_are_refused(world, values, field):
    with pytest.raises(ValidationFailed) as refused:
        decide(world.cpe, world.alice, "Retenue", world.lycee, **values)
    assert field in refused.value.details
    assert not Measure.objects.exists()


def test_a_measure_from_an_incident_is_for_one_of_its_students(world):
    incident = report(world.cpe, world.lycee, participants=[(world.alice, "author"), (world.chloe, "victim")])
    measure = decide(world.cpe, world.alice, "Retenue", world.lycee, incident=incident)
    assert measure.incident == incident
    with pytest.raises(ValidationFailed) as refused:
        decide(world.cpe, world.bruno, "Retenue", world.lycee, incident=incident)
    assert "incident" in refused.value.details
    hidden = report(world.cpe, world.lycee, participants=[(world.chloe, "victim")])
    with pytest.raises(NotFound):  # Marc does not see an incident where his student is only a victim
        decide(world.teacher_maths, world.chloe, "Retenue", world.lycee, incident=hidden)


# --- retention dates --------------------------------------------------------------------------------
def test_expiry_follows_the_type(world):
    types = types_of(world.lycee)
    on = dt.date(2026, 11, 30)
    assert expiry_for(types["Retenue"], school_year=world.year, decided_on=on) == dt.date(2027, 7, 4)
    assert expiry_for(types["Avertissement"], school_year=world.year, decided_on=on) == dt.date(2027, 7, 4)
    assert expiry_for(types["Blâme"], school_year=world.year, decided_on=on) == dt.date(2028, 7, 4)
    assert expiry_for(
        types["Exclusion temporaire de la classe"], school_year=world.year, decided_on=on
    ) == dt.date(2029, 7, 4)
    assert expiry_for(types["Exclusion définitive"], school_year=world.year, decided_on=on) is None
    benin = types_of(world.ceg)
    assert expiry_for(benin["Blâme"], school_year=world.ceg_year, decided_on=on) == dt.date(2027, 11, 30)
    assert shift_years(dt.date(2028, 2, 29), 1) == dt.date(2029, 2, 28)


def test_an_old_measure_that_would_already_have_left_the_record_is_refused(world):
    from carnet.testing.factories import SchoolYearFactory

    SchoolYearFactory(
        establishment=world.lycee,
        name="2025-2026",
        starts_on=dt.date(2025, 9, 1),
        ends_on=dt.date(2026, 7, 4),
        is_current=False,
    )
    with pytest.raises(ValidationFailed) as refused:
        decide(world.cpe, world.alice, "Retenue", world.lycee, decided_on=dt.date(2026, 3, 2))
    assert "quitté le dossier" in refused.value.details["decided_on"]
    measure = decide(world.head, world.alice, "Blâme", world.lycee, decided_on=dt.date(2026, 3, 2))
    assert measure.expires_on == dt.date(2027, 7, 4)  # the end of the following school year


# --- telling the guardians ------------------------------------------------------------------------
def _told(person):
    return list(
        Notification.objects.filter(recipient=person, kind="discipline.measure").values_list(
            "title", "body", "url"
        )
    )


def test_guardians_are_told_of_a_new_measure_after_the_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        measure = decide(world.cpe, world.chloe, "Retenue", world.lycee, reason="A frappé Bruno Français.")
    assert _told(world.chloe_father) == []
    for callback in callbacks:
        callback()
    for guardian in (world.chloe_father, world.alice_mother):
        [(title, body, url)] = _told(guardian)
        assert title == "Nouvelle punition pour Chloé"
        assert "Retenue" in body and "Bruno" not in body  # never the reason, never another student's name
        assert url == f"/discipline/famille/?child={world.chloe.public_id}"
    assert measure.guardians_notified_at is not None
    assert _told(world.chloe) == [] and _told(world.alice) == []


@pytest.mark.parametrize(
    ("guardians_see", "notify", "told_of"),
    [
        ("measures", True, {"Retenue", "Avertissement"}),
        ("all", True, {"Retenue", "Avertissement"}),
        ("sanctions", True, {"Avertissement"}),
        ("nothing", True, set()),
        ("measures", False, set()),
    ],
)
def test_guardians_are_told_only_of_what_they_see(
    world, django_capture_on_commit_callbacks, guardians_see, notify, told_of
):
    catalogue.update_settings(
        actor=world.head, establishment=world.lycee, guardians_see=guardians_see, notify_guardians=notify
    )
    with django_capture_on_commit_callbacks(execute=True):
        decide(world.cpe, world.alice, "Retenue", world.lycee)
        decide(world.head, world.alice, "Avertissement", world.lycee)
    bodies = [body for _title, body, _url in _told(world.alice_mother)]
    assert {name for name in ("Retenue", "Avertissement") if any(name in b for b in bodies)} == told_of


# --- follow-up ------------------------------------------------------------------------------------
def test_the_follow_up_is_versioned_and_audited(world):
    measure = decide(world.teacher_maths, world.alice, "Retenue", world.lycee)
    comment = "Effectuée mercredi, en salle d'étude."
    changes = measures.update_measure(
        actor=world.cpe, measure=measure, expected_version=1, status="done", follow_up=comment
    )
    assert changes == {"status": ("decided", "done"), "follow_up_length": (0, len(comment))}
    measure.refresh_from_db()
    assert (measure.status, measure.version) == ("done", 2)
    stale = Measure.objects.get(pk=measure.pk)
    measures.update_measure(
        actor=world.teacher_maths, measure=measure, expected_version=2, reason="Insolence répétée."
    )
    with pytest.raises(MeasureConflict):
        measures.update_measure(actor=world.cpe, measure=stale, expected_version=2, status="not_done")
    measure.refresh_from_db()
    assert (measure.status, measure.reason, measure.version) == ("done", "Insolence répétée.", 3)
    assert AuditEvent.objects.filter(action="discipline.measure_updated").count() == 2


def test_who_may_change_a_measure(world):
    retenue = decide(world.teacher_maths, world.alice, "Retenue", world.lycee)
    blame = decide(world.head, world.alice, "Blâme", world.lycee)
    # School life follows a sanction up but does not rewrite it.
    measures.update_measure(actor=world.cpe, measure=blame, expected_version=1, status="done")
    with pytest.raises(PermissionDenied):
        measures.update_measure(actor=world.cpe, measure=blame, expected_version=2, reason="Autre motif.")
    # A teacher changes the punishments they decided, not a colleague's, not a sanction.
    french = decide(world.cpe, world.chloe, "Retenue", world.lycee)
    with pytest.raises(PermissionDenied):
        measures.update_measure(actor=world.teacher_french, measure=french, expected_version=1, status="done")
    with pytest.raises(PermissionDenied):
        measures.update_measure(
            actor=world.teacher_maths, measure=blame, expected_version=2, status="cancelled"
        )
    for person in (world.outsider, world.alice_mother, world.alice, world.secretary):
        with pytest.raises(NotFound):
            measures.update_measure(actor=person, measure=retenue, expected_version=1, status="cancelled")
    retenue.refresh_from_db()
    blame.refresh_from_db()
    assert (retenue.status, retenue.version, blame.reason, blame.version) == (
        "decided",
        1,
        "Insolence envers un surveillant.",
        2,
    )


def test_bad_follow_up_values_are_refused(world):
    measure = decide(world.cpe, world.alice, "Retenue", world.lycee)
    for values in (
        {"status": "forgotten"},
        {"reason": ""},
        {"due_on": TODAY - dt.timedelta(days=3)},
        {"colour": "red"},
    ):
        with pytest.raises(ValidationFailed):
            measures.update_measure(actor=world.cpe, measure=measure, expected_version=1, **values)
    measure.refresh_from_db()
    assert measure.version == 1
