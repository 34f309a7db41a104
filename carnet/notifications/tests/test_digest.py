"""The morning digest: held and digest deliveries grouped per person, channel and establishment
into ONE e-mail, ONE SMS and one push, at the digest hour and outside quiet hours."""

import datetime as dt

from django.core import mail

from carnet.core import sms
from carnet.core.sms import fits_one_sms
from carnet.notifications import services
from carnet.notifications.backends import push
from carnet.notifications.models import Delivery, EstablishmentNotificationSettings, SmsUsage
from carnet.notifications.tests.conftest import ABSENCE, GRADE, PARIS, at
from carnet.testing.factories import guard

S = Delivery.Status


def tuesday_evening_news(world, time_machine, capture):
    """Three marks and one absence for Chloé's father on Tuesday evening (quiet hours)."""
    time_machine.move_to(at(PARIS, 2027, 1, 12, 21, 0), tick=False)
    with capture(execute=True):
        for subject in ("Maths", "Français", "Histoire"):
            services.notify(recipients=[world.chloe_father], kind=GRADE, title=f"Nouvelle note en {subject}")
        services.notify(recipients=[world.chloe_father], kind=ABSENCE, title="Absence de Chloé", body="De 8 h à 10 h.")


def test_nothing_leaves_before_the_digest_hour(world, time_machine, django_capture_on_commit_callbacks):
    tuesday_evening_news(world, time_machine, django_capture_on_commit_callbacks)
    assert Delivery.objects.filter(recipient=world.chloe_father, status__in=Delivery.WAITING).count() == 12
    assert services.send_digests(now=at(PARIS, 2027, 1, 13, 6, 59)) == {}
    assert mail.outbox == [] and sms.outbox == [] and push.outbox == []


def test_one_email_one_sms_one_push_for_the_whole_evening(world, time_machine, django_capture_on_commit_callbacks):
    tuesday_evening_news(world, time_machine, django_capture_on_commit_callbacks)
    time_machine.move_to(at(PARIS, 2027, 1, 13, 7, 3), tick=False)

    assert services.send_digests() == {S.SENT: 12}

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [world.chloe_father.email]
    assert email.subject == "Votre résumé Carnet : 4 notifications"
    assert "3 nouvelles notes, 1 absence" in email.body
    for title in ("Nouvelle note en Maths", "Nouvelle note en Français", "Nouvelle note en Histoire", "Absence de Chloé"):
        assert title in email.body
    assert [m["text"] for m in sms.outbox] == ["Carnet : 3 nouvelles notes, 1 absence"]
    assert fits_one_sms(sms.outbox[0]["text"])
    assert [(p["title"], p["body"]) for p in push.outbox] == [
        ("Votre résumé Carnet : 4 notifications", "3 nouvelles notes, 1 absence")
    ]
    assert not Delivery.objects.filter(status__in=Delivery.WAITING).exists()
    # One SMS for the whole digest, counted once against the budget.
    assert SmsUsage.objects.get(establishment=world.lycee).count == 1

    # Running again sends nothing more.
    assert services.send_digests() == {}
    assert len(mail.outbox) == 1


def test_a_digest_of_one_is_that_notification_itself(world, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(at(PARIS, 2027, 1, 12, 21, 0), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.chloe_father], kind=ABSENCE, title="Absence de Chloé", body="De 8 h à 10 h.")
    services.send_digests(now=at(PARIS, 2027, 1, 13, 7, 0))
    assert [m["text"] for m in sms.outbox] == ["Carnet : Absence de Chloé. De 8 h à 10 h."]
    assert [m.subject for m in mail.outbox] == ["Absence de Chloé"]


def test_each_establishment_sends_and_pays_its_own_digest(world, time_machine, django_capture_on_commit_callbacks):
    guard(world.alice_mother, world.dossou, world.ceg, "guardian")
    EstablishmentNotificationSettings.objects.create(establishment=world.ceg, sms_sender_name="CEG AKPAKPA")
    time_machine.move_to(at(PARIS, 2027, 1, 12, 21, 30), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        for establishment in (world.lycee, world.lycee, world.ceg):
            services.notify(recipients=[world.alice_mother], kind=GRADE, title="Note", establishment=establishment)
    services.send_digests(now=at(PARIS, 2027, 1, 13, 7, 0))
    assert sorted(m["text"] for m in sms.outbox) == ["CEG AKPAKPA : Note", "Carnet : 2 nouvelles notes"]
    assert {u.establishment_id: u.count for u in SmsUsage.objects.all()} == {world.lycee.pk: 1, world.ceg.pk: 1}


def test_weekend_news_waits_for_monday_morning(world, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(at(PARIS, 2027, 1, 16, 11, 0), tick=False)  # Saturday
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.chloe_father], kind=ABSENCE, title="Absence")
        services.notify(recipients=[world.chloe_father], kind=GRADE, title="Note")
    assert services.send_digests(now=at(PARIS, 2027, 1, 17, 7, 30)) == {}  # Sunday: still quiet
    assert services.send_digests(now=at(PARIS, 2027, 1, 18, 7, 0)) == {S.SENT: 6}
    assert [m["text"] for m in sms.outbox] == ["Carnet : 1 absence, 1 nouvelle note"]


def test_a_digest_due_while_the_person_is_now_quiet_waits_for_the_end_of_their_quiet_hours(world, time_machine, django_capture_on_commit_callbacks):
    tuesday_evening_news(world, time_machine, django_capture_on_commit_callbacks)
    services.set_quiet_hours(actor=world.chloe_father, follow_establishment=False, start=dt.time(20, 0), end=dt.time(9, 0))
    assert services.send_digests(now=at(PARIS, 2027, 1, 13, 7, 5)) == {}
    assert set(Delivery.objects.values_list("scheduled_for", flat=True)) == {at(PARIS, 2027, 1, 13, 9, 0)}
    assert services.send_digests(now=at(PARIS, 2027, 1, 13, 9, 1)) == {S.SENT: 12}


def test_the_digest_sms_respects_the_budget(world, time_machine, django_capture_on_commit_callbacks):
    EstablishmentNotificationSettings.objects.create(establishment=world.lycee, sms_monthly_budget=0)
    tuesday_evening_news(world, time_machine, django_capture_on_commit_callbacks)
    outcome = services.send_digests(now=at(PARIS, 2027, 1, 13, 7, 0))
    assert outcome == {S.SENT: 8, S.SKIPPED_BUDGET: 4}
    assert sms.outbox == []
    assert len(mail.outbox) == 1


def test_an_account_deactivated_before_the_digest_gets_nothing(world, time_machine, django_capture_on_commit_callbacks):
    tuesday_evening_news(world, time_machine, django_capture_on_commit_callbacks)
    world.chloe_father.is_active = False
    world.chloe_father.save(update_fields=["is_active"])
    assert services.send_digests(now=at(PARIS, 2027, 1, 13, 7, 0)) == {S.SKIPPED_NO_ADDRESS: 12}
    assert mail.outbox == [] and sms.outbox == [] and push.outbox == []


def test_immediate_deliveries_that_lost_their_task_are_sent_by_the_digest_run(world, time_machine):
    time_machine.move_to(at(PARIS, 2027, 1, 12, 10, 0), tick=False)
    services.notify(recipients=[world.chloe_father], kind=ABSENCE, title="Absence")  # never committed: no task ran
    assert services.send_digests(now=at(PARIS, 2027, 1, 12, 10, 5)) == {}
    assert services.send_digests(now=at(PARIS, 2027, 1, 12, 10, 11)) == {S.SENT: 3}
    assert len(sms.outbox) == 1
