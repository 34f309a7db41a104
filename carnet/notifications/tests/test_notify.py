"""notify(): in-app rows at once, then per channel never / immediately / digest, quiet hours in the
establishment's time zone, urgent kinds, SMS fitted to one GSM-7 message and counted against the
monthly budget, and the status of every delivery."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from carnet.core import sms
from carnet.core.sms import SmsResult, fits_one_sms, gsm7_units
from carnet.notifications import services
from carnet.notifications.backends import push
from carnet.notifications.models import (
    Delivery,
    EstablishmentNotificationSettings,
    Notification,
    SmsUsage,
)
from carnet.notifications.services.delivery import deliver_now
from carnet.notifications.tests.conftest import ABSENCE, ALERT, GRADE, PARIS, PORTO_NOVO, at
from carnet.testing.factories import UserFactory, guard

S = Delivery.Status


class FailingSmsBackend(sms.BaseSmsBackend):
    """A gateway that refuses every message (what leaves the machine is what we mock)."""

    def send(self, *, to, text):
        return SmsResult(ok=False, error="gateway said: unknown number")


def deliveries_of(user, kind=None):
    rows = Delivery.objects.filter(recipient=user)
    if kind:
        rows = rows.filter(notification__kind=kind)
    return {d.channel: d for d in rows}


@pytest.fixture
def tuesday_morning(time_machine):
    time_machine.move_to(at(PARIS, 2027, 1, 12, 10, 0), tick=False)


def test_one_notification_per_active_recipient_with_the_given_content(world, tuesday_morning):
    gone = UserFactory(username="parti", is_active=False)
    created = services.notify(
        recipients=[world.alice_mother, world.chloe_father, world.alice_mother, gone],
        kind=GRADE,
        title="Nouvelle note en mathématiques",
        body="Contrôle du 12 janvier : 14/20",
        url="/notes/",
        establishment=world.lycee,
        data={"mark": "14"},
    )
    assert [n.recipient for n in created] == [world.alice_mother, world.chloe_father]
    row = Notification.objects.get(recipient=world.chloe_father)
    assert (row.kind, row.title, row.body, row.url, row.data) == (
        GRADE, "Nouvelle note en mathématiques", "Contrôle du 12 janvier : 14/20", "/notes/", {"mark": "14"},
    )
    assert row.establishment == world.lycee and row.read_at is None
    assert not Notification.objects.filter(recipient=gone).exists()


def test_the_number_of_queries_does_not_grow_with_the_recipients(world, tuesday_morning):
    def count(recipients):
        with CaptureQueriesContext(connection) as queries:
            services.notify(recipients=recipients, kind=GRADE, title="Note")
        return len(queries)

    few = count([world.alice_mother, world.chloe_father])
    extra = [UserFactory(username=f"parent{i}", phone=f"+3360000000{i}") for i in range(8)]
    for parent in extra:
        guard(parent, world.alice, world.lycee, "other")
    many = count([world.alice_mother, world.chloe_father, world.teacher_maths, *extra])
    assert many == few
    assert few <= 12


def test_preferences_matrix_never_immediately_digest(world, tuesday_morning, django_capture_on_commit_callbacks):
    services.set_preferences(
        actor=world.alice_mother,
        modes={(GRADE, "in_app"): "never", (GRADE, "email"): "immediate", (GRADE, "sms"): "never", (GRADE, "push"): "digest"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.alice_mother, world.chloe_father], kind=GRADE, title="Nouvelle note")

    # Alice's mother: in-app filed as read, e-mail now, push tomorrow morning, no SMS at all.
    assert Notification.objects.get(recipient=world.alice_mother).read_at is not None
    mine = deliveries_of(world.alice_mother)
    assert set(mine) == {"email", "push"}
    assert mine["email"].status == S.SENT and not mine["email"].in_digest
    assert mine["push"].status == S.PENDING and mine["push"].in_digest
    assert mine["push"].scheduled_for == at(PARIS, 2027, 1, 13, 7, 0)
    assert [m.to for m in mail.outbox] == [[world.alice_mother.email]]
    assert mail.outbox[0].subject == "Nouvelle note"

    # Chloé's father keeps the kind's defaults: push now, e-mail and SMS in the digest.
    assert Notification.objects.get(recipient=world.chloe_father).read_at is None
    his = deliveries_of(world.chloe_father)
    assert his["push"].status == S.SENT
    assert his["email"].status == S.PENDING and his["email"].in_digest
    assert his["sms"].status == S.PENDING and his["sms"].in_digest
    assert [p["user_id"] for p in push.outbox] == [world.chloe_father.pk]
    assert sms.outbox == []


def test_a_preference_back_to_the_default_removes_the_row(world):
    assert services.set_preferences(actor=world.alice_mother, modes={(GRADE, "email"): "never"}) == 1
    assert world.alice_mother.notification_preferences.count() == 1
    assert services.set_preferences(actor=world.alice_mother, modes={(GRADE, "email"): "digest"}) == 1
    assert world.alice_mother.notification_preferences.count() == 0


def test_invalid_preferences_change_nothing(world):
    from carnet.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as error:
        services.set_preferences(
            actor=world.alice_mother,
            modes={(GRADE, "email"): "never", (ALERT, "sms"): "immediate", (GRADE, "in_app"): "digest", ("x.y", "email"): "never"},
        )
    assert set(error.value.details) == {f"{ALERT}.sms", f"{GRADE}.in_app", "x.y.email"}
    assert world.alice_mother.notification_preferences.count() == 0


def test_quiet_hours_hold_immediate_deliveries_for_the_morning_digest(world, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(at(PARIS, 2027, 1, 12, 21, 0), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.alice_mother], kind=ABSENCE, title="Absence d'Alice", establishment=world.lycee)
    mine = deliveries_of(world.alice_mother)
    assert {d.status for d in mine.values()} == {S.HELD_QUIET}
    assert {d.scheduled_for for d in mine.values()} == {at(PARIS, 2027, 1, 13, 7, 0)}
    assert mail.outbox == [] and sms.outbox == [] and push.outbox == []
    # The in-app notification is there at once.
    assert Notification.objects.get(recipient=world.alice_mother).read_at is None


def test_the_same_instant_is_quiet_in_paris_but_not_in_porto_novo(world, time_machine, django_capture_on_commit_callbacks):
    # Tuesday 8 June 2027, 18:30 UTC: 20:30 in Paris (summer time), 19:30 in Porto-Novo.
    time_machine.move_to(dt.datetime(2027, 6, 8, 18, 30, tzinfo=dt.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.alice_mother, world.dossou_parent], kind=ABSENCE, title="Absence")
    assert deliveries_of(world.alice_mother)["sms"].status == S.HELD_QUIET
    assert deliveries_of(world.alice_mother)["sms"].scheduled_for == at(PARIS, 2027, 6, 9, 7, 0)
    assert deliveries_of(world.dossou_parent)["sms"].status == S.SENT
    assert [m["to"] for m in sms.outbox] == [world.dossou_parent.phone]
    # Governed by the CEG, the SMS counts against the CEG's budget.
    assert SmsUsage.objects.get().establishment == world.ceg
    assert SmsUsage.objects.get().month == dt.date(2027, 6, 1)
    assert at(PORTO_NOVO, 2027, 6, 8, 19, 30) == dt.datetime(2027, 6, 8, 18, 30, tzinfo=dt.UTC)


def test_weekends_wait_for_monday(world, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(at(PARIS, 2027, 1, 16, 10, 0), tick=False)  # Saturday morning
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.teacher_maths], kind=ABSENCE, title="Absence")
    email = deliveries_of(world.teacher_maths)["email"]
    assert email.status == S.HELD_QUIET
    assert email.scheduled_for == at(PARIS, 2027, 1, 18, 7, 0)
    assert mail.outbox == []


def test_a_person_own_quiet_hours_replace_the_establishment(world, time_machine, django_capture_on_commit_callbacks):
    services.set_quiet_hours(actor=world.alice_mother, follow_establishment=False, start=dt.time(22, 0), end=dt.time(6, 0), weekends=False)
    time_machine.move_to(at(PARIS, 2027, 1, 16, 21, 0), tick=False)  # Saturday 21:00: her time, not quiet
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.alice_mother, world.chloe_father], kind=ABSENCE, title="Absence")
    assert deliveries_of(world.alice_mother)["sms"].status == S.SENT
    assert deliveries_of(world.chloe_father)["sms"].status == S.HELD_QUIET

    services.set_quiet_hours(actor=world.alice_mother, follow_establishment=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.alice_mother], kind=ALERT, title="Encore")
    assert deliveries_of(world.alice_mother, ALERT)["email"].status == S.HELD_QUIET


def test_urgent_kinds_pass_quiet_hours_only_where_the_establishment_allows(world, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(at(PARIS, 2027, 1, 12, 23, 0), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.teacher_maths], kind=ALERT, title="Connexion inhabituelle")
    assert deliveries_of(world.teacher_maths, ALERT)["email"].status == S.HELD_QUIET

    EstablishmentNotificationSettings.objects.create(establishment=world.lycee, allow_urgent_in_quiet_hours=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.teacher_maths], kind=ALERT, title="Connexion inhabituelle")
        services.notify(recipients=[world.teacher_maths], kind=ABSENCE, title="Pas urgent")
    sent = Delivery.objects.filter(recipient=world.teacher_maths, status=S.SENT).values_list("notification__kind", flat=True)
    assert sorted(sent) == [ALERT, ALERT]
    assert [m.subject for m in mail.outbox] == ["Connexion inhabituelle"]


def test_sms_text_is_fitted_to_one_gsm7_message(world, tuesday_morning, django_capture_on_commit_callbacks):
    long_text = "Élève absente à 8 h « cours d'œnologie » — " + "merci de justifier l'absence " * 10
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.alice_mother], kind=ABSENCE, title="Absence", sms_text=long_text)
        services.notify(recipients=[world.chloe_father], kind=ABSENCE, title="Absence de Chloé", body="En cours de 8 h.")
    texts = {m["to"]: m["text"] for m in sms.outbox}
    hers = texts[world.alice_mother.phone]
    assert gsm7_units(hers) is not None and gsm7_units(hers) <= 160 and fits_one_sms(hers)
    assert hers.startswith("Élève absente à 8 h \"cours d'oenologie\" - merci") and hers.endswith("...")
    assert "oe" in hers and "œ" not in hers
    assert texts[world.chloe_father.phone] == "Carnet : Absence de Chloé. En cours de 8 h."


def test_the_establishment_sender_name_heads_default_texts(world, tuesday_morning, django_capture_on_commit_callbacks):
    EstablishmentNotificationSettings.objects.create(establishment=world.lycee, sms_sender_name="LYCEE VH")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.chloe_father], kind=ABSENCE, title="Absence de Chloé")
    assert sms.outbox[0]["text"] == "LYCEE VH : Absence de Chloé"


def test_the_monthly_sms_budget_is_never_exceeded(world, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(at(PARIS, 2027, 1, 29, 10, 0), tick=False)  # a Friday
    EstablishmentNotificationSettings.objects.create(establishment=world.lycee, sms_monthly_budget=2)
    world.teacher_french.phone = "+33600000042"
    world.teacher_french.save(update_fields=["phone"])
    parents = [world.alice_mother, world.chloe_father, world.teacher_french]
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=parents, kind=ABSENCE, title="Absence", establishment=world.lycee)
    statuses = sorted(Delivery.objects.filter(channel="sms").values_list("status", flat=True))
    assert statuses == [S.SENT, S.SENT, S.SKIPPED_BUDGET]
    assert len(sms.outbox) == 2
    assert SmsUsage.objects.get(establishment=world.lycee, month=dt.date(2027, 1, 1)).count == 2
    # E-mail and push are not limited by the SMS budget.
    assert Delivery.objects.filter(channel="email", status=S.SENT).count() == 3

    # A new month, a new budget.
    time_machine.move_to(at(PARIS, 2027, 2, 1, 10, 0), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.alice_mother], kind=ABSENCE, title="Absence", establishment=world.lycee)
    assert len(sms.outbox) == 3
    assert SmsUsage.objects.get(establishment=world.lycee, month=dt.date(2027, 2, 1)).count == 1


def test_a_failed_sms_is_marked_failed_and_gives_its_unit_back(world, tuesday_morning, django_capture_on_commit_callbacks):
    with (
        override_settings(CARNET_SMS_BACKEND=f"{__name__}.FailingSmsBackend"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.notify(recipients=[world.chloe_father], kind=ABSENCE, title="Absence")
    delivery = deliveries_of(world.chloe_father)["sms"]
    assert delivery.status == S.FAILED
    assert delivery.error == "gateway said: unknown number"
    assert delivery.sent_at is None
    assert SmsUsage.objects.get(establishment=world.lycee).count == 0
    assert deliveries_of(world.chloe_father)["email"].status == S.SENT


def test_people_without_an_address_are_recorded_as_such(world, tuesday_morning, django_capture_on_commit_callbacks):
    world.alice.email = ""
    world.alice.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.alice], kind=ABSENCE, title="Absence")
    mine = deliveries_of(world.alice)
    assert mine["sms"].status == S.SKIPPED_NO_ADDRESS  # a student without a phone number
    assert mine["email"].status == S.SKIPPED_NO_ADDRESS
    assert mine["push"].status == S.SENT


def test_nobody_pays_the_sms_of_a_person_without_establishment(world, tuesday_morning, django_capture_on_commit_callbacks):
    stranger = UserFactory(username="sans.etablissement", phone="+33611111111")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[stranger], kind=ABSENCE, title="Absence")
    mine = deliveries_of(stranger)
    assert mine["sms"].status == S.SKIPPED_BUDGET
    assert mine["email"].status == S.SENT
    assert sms.outbox == []


def test_an_immediate_delivery_is_sent_at_most_once(world, tuesday_morning, django_capture_on_commit_callbacks):
    services.notify(recipients=[world.chloe_father], kind=ABSENCE, title="Absence")  # no commit: tasks not run
    ids = list(Delivery.objects.filter(status=S.PENDING).values_list("id", flat=True))
    assert len(ids) == 3
    assert deliver_now(ids) == {S.SENT: 3}
    assert deliver_now(ids) == {}
    assert len(sms.outbox) == 1 and len(mail.outbox) == 1 and len(push.outbox) == 1


def test_links_are_local_paths_or_http_addresses(world):
    with pytest.raises(ValueError):
        services.notify(recipients=[world.alice], kind=GRADE, title="x", url="javascript:alert(1)")
    with pytest.raises(ValueError):
        services.notify(recipients=[world.alice], kind=GRADE, title="x", url="//evil.example/")
    assert not Notification.objects.exists()


def test_email_is_written_in_the_recipient_language_with_an_absolute_link(world, tuesday_morning, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://carnet.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.teacher_maths], kind=ALERT, title="Nouvelle connexion", body="Depuis Firefox.", url="/compte/sessions/")
    message = mail.outbox[0]
    assert "Bonjour Marc," in message.body
    assert "https://carnet.example.org/compte/sessions/" in message.body
    assert "https://carnet.example.org/notifications/preferences/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Depuis Firefox." in html
