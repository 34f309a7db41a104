"""Pages: the notification centre (list, unread first, mark one read by htmx, mark all read, empty
state), one's preferences, and the establishment settings for administrative staff. Each for an
allowed person, a refused one (who changes nothing) and the outsider (404)."""

import datetime as dt

import pytest
from django.urls import reverse

from carnet.audit.models import AuditEvent
from carnet.notifications import services
from carnet.notifications.models import (
    EstablishmentNotificationSettings,
    Notification,
    NotificationPreference,
    SmsUsage,
    UserQuietHours,
)
from carnet.notifications.tests.conftest import ABSENCE, GRADE

CENTRE = reverse("notifications:centre")
PREFERENCES = reverse("notifications:preferences")
SETTINGS = reverse("notifications:establishment_settings")


def settings_url(establishment):
    return reverse("notifications:establishment_settings_for", args=[establishment.public_id])


def give(user, count, *, kind=GRADE, title="Note"):
    return [services.notify(recipients=[user], kind=kind, title=f"{title} {i}")[0] for i in range(count)]


# --- the centre ---------------------------------------------------------------------------------
def test_the_centre_lists_only_my_notifications_unread_first(world, login):
    first, second = give(world.alice_mother, 2)
    services.mark_read(actor=world.alice_mother, notification=second)
    give(world.chloe_father, 1, title="Pour Charles")
    response = login(world.alice_mother).get(CENTRE)
    assert response.status_code == 200
    page = list(response.context["page"])
    assert page == [first, second]  # unread first, although older
    html = response.content.decode()
    assert "Note 0" in html and "Note 1" in html and "Pour Charles" not in html
    assert "1 notification non lue." in html
    assert html.count('class="badge badge-info"') == 1


def test_the_unread_filter_and_the_empty_states(world, login):
    browser = login(world.teacher_maths)
    html = browser.get(CENTRE).content.decode()
    assert "Aucune notification" in html
    note = give(world.teacher_maths, 1)[0]
    services.mark_read(actor=world.teacher_maths, notification=note)
    html = browser.get(CENTRE, {"filtre": "non-lues"}).content.decode()
    assert "Rien de nouveau" in html and "Note 0" not in html


def test_the_centre_is_paginated_with_a_constant_number_of_queries(world, login, django_assert_max_num_queries):
    browser = login(world.alice_mother)
    give(world.alice_mother, 3)
    browser.get(CENTRE)  # warm the session row
    with django_assert_max_num_queries(12) as few:
        browser.get(CENTRE)
    give(world.alice_mother, 40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = browser.get(CENTRE)
    assert len(response.context["page"].object_list) == 20
    assert response.context["page"].paginator.count == 43


def test_marking_one_read_by_htmx_returns_the_item_and_the_new_count(world, login):
    one, two = give(world.alice_mother, 2)
    response = login(world.alice_mother).post(reverse("notifications:mark_read", args=[one.public_id]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="n-{one.public_id}"' in html and "Marquer comme lue" not in html
    assert 'hx-swap-oob="true"' in html and "1 notification non lue." in html
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.read_at is not None and two.read_at is None


def test_marking_one_read_without_javascript_returns_to_the_centre(world, login):
    note = give(world.alice_mother, 1)[0]
    response = login(world.alice_mother).post(reverse("notifications:mark_read", args=[note.public_id]), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == CENTRE
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.parametrize("intruder", ["chloe_father", "outsider"])
def test_nobody_else_can_read_or_open_my_notification(world, login, intruder):
    note = services.notify(recipients=[world.alice_mother], kind=GRADE, title="Note", url="/notes/")[0]
    browser = login(getattr(world, intruder))
    assert browser.post(reverse("notifications:mark_read", args=[note.public_id])).status_code == 404
    assert browser.get(reverse("notifications:open", args=[note.public_id])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_opening_a_notification_marks_it_read_and_follows_its_link(world, login):
    note = services.notify(recipients=[world.alice_mother], kind=GRADE, title="Note", url="/notes/?eleve=alice")[0]
    external = services.notify(recipients=[world.alice_mother], kind=GRADE, title="Ailleurs", url="https://partner.example/")[0]
    browser = login(world.alice_mother)
    response = browser.get(reverse("notifications:open", args=[note.public_id]))
    assert response.status_code == 302 and response["Location"] == "/notes/?eleve=alice"
    assert browser.get(reverse("notifications:open", args=[external.public_id]))["Location"] == CENTRE
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_mark_all_read_touches_only_my_notifications(world, login):
    give(world.alice_mother, 3)
    give(world.chloe_father, 2)
    response = login(world.alice_mother).post(reverse("notifications:mark_all_read"), follow=True)
    assert "3 notifications marquées comme lues." in response.content.decode()
    assert not Notification.objects.filter(recipient=world.alice_mother, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=world.chloe_father, read_at__isnull=True).count() == 2


def test_the_header_shows_the_unread_count_on_every_page(world, login):
    give(world.alice_mother, 2)
    html = login(world.alice_mother).get(PREFERENCES).content.decode()
    assert "Notifications : 2 non lues" in html


def test_reading_needs_a_post(world, login):
    note = give(world.alice_mother, 1)[0]
    assert login(world.alice_mother).get(reverse("notifications:mark_read", args=[note.public_id])).status_code == 405


# --- preferences --------------------------------------------------------------------------------
def test_the_preferences_grid_shows_every_kind_and_the_establishment_hours(world, login):
    response = login(world.alice_mother).get(PREFERENCES)
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("Sécurité du compte", "Import terminé", "Annonce", "Nouvelle note", "Absence"):
        assert label in html
    assert 'name="m-test.grade__sms"' in html
    assert 'name="m-test.alert__sms"' not in html  # a kind without SMS has no SMS choice
    assert "de 20:00 à 07:00" in html and "Lycée Victor-Hugo" in html


def post_preferences(browser, **changes):
    """Post the grid as a browser would: every select with its shown value, then the changes."""
    form = browser.get(PREFERENCES).context["form"]
    data = {form.add_prefix(name): field.initial for name, field in form.fields.items()}
    data.update({"q-source": "establishment", "q-weekends": "on"})
    data.update(changes)
    return browser.post(PREFERENCES, data)


def test_saving_preferences_and_own_quiet_hours(world, login):
    browser = login(world.alice_mother)
    response = post_preferences(
        browser,
        **{"m-test.grade__email": "never", "m-test.absence__sms": "digest", "q-source": "own", "q-start": "21:30", "q-end": "06:45", "q-weekends": ""},
    )
    assert response.status_code == 302
    modes = dict(NotificationPreference.objects.filter(user=world.alice_mother).values_list("kind", "mode"))
    assert modes == {GRADE: "never", ABSENCE: "digest"}
    own = UserQuietHours.objects.get(user=world.alice_mother)
    assert (own.quiet_start, own.quiet_end, own.quiet_weekends) == (dt.time(21, 30), dt.time(6, 45), False)
    html = browser.get(PREFERENCES).content.decode()
    assert 'value="21:30"' in html


def test_own_quiet_hours_need_their_times_and_nothing_changes_otherwise(world, login):
    response = post_preferences(login(world.alice_mother), **{"m-test.grade__email": "never", "q-source": "own"})
    assert response.status_code == 200
    assert "Indiquez une heure" in response.content.decode()
    assert not NotificationPreference.objects.exists() and not UserQuietHours.objects.exists()


def test_a_forged_mode_is_refused(world, login):
    response = post_preferences(login(world.alice_mother), **{"m-test.grade__in_app": "digest"})
    assert response.status_code == 200
    assert not NotificationPreference.objects.exists()


# --- establishment settings ---------------------------------------------------------------------
SETTINGS_FORM = {
    "quiet_start": "19:30",
    "quiet_end": "07:30",
    "quiet_weekends": "on",
    "digest_hour": "07:45",
    "sms_monthly_budget": "250",
    "sms_sender_name": "LYCEE VH",
}


@pytest.mark.parametrize("staff", ["head", "cpe", "secretary"])
def test_administrative_staff_see_their_establishment_settings_and_sms_usage(world, login, staff):
    SmsUsage.objects.create(establishment=world.lycee, month=SmsUsage.month_of(dt.datetime.now(dt.UTC), "Europe/Paris"), count=37)
    response = login(getattr(world, staff)).get(SETTINGS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lycée Victor-Hugo" in html and "37 / 100" in html
    assert 'value="20:00"' in html and 'value="07:00"' in html


def test_the_head_changes_the_settings_and_it_is_audited(world, login):
    response = login(world.head).post(settings_url(world.lycee), SETTINGS_FORM)
    assert response.status_code == 302
    row = EstablishmentNotificationSettings.objects.get(establishment=world.lycee)
    assert (row.quiet_start, row.quiet_end, row.digest_hour) == (dt.time(19, 30), dt.time(7, 30), dt.time(7, 45))
    assert (row.sms_monthly_budget, row.sms_sender_name, row.allow_urgent_in_quiet_hours) == (250, "LYCEE VH", False)
    event = AuditEvent.objects.get(action="notifications.settings_changed")
    assert event.actor == world.head and event.establishment == world.lycee
    assert event.changes["sms_monthly_budget"] == [100, 250]


def test_a_bad_sender_name_is_refused(world, login):
    response = login(world.head).post(settings_url(world.lycee), SETTINGS_FORM | {"sms_sender_name": "Lycée Victor-Hugo"})
    assert response.status_code == 200
    assert "11 caractères au plus" in response.content.decode()
    assert not EstablishmentNotificationSettings.objects.exists()


@pytest.mark.parametrize("person", ["teacher_maths", "alice_mother", "alice"])
def test_teachers_families_and_students_cannot_see_or_change_the_settings(world, login, person):
    browser = login(getattr(world, person))
    assert browser.get(SETTINGS).status_code == 404
    assert browser.get(settings_url(world.lycee)).status_code == 404
    assert browser.post(settings_url(world.lycee), SETTINGS_FORM).status_code == 404
    assert not EstablishmentNotificationSettings.objects.exists()
    assert not AuditEvent.objects.filter(action="notifications.settings_changed").exists()


def test_the_outsider_cannot_reach_another_establishment_settings(world, login):
    browser = login(world.outsider)
    assert browser.get(settings_url(world.lycee)).status_code == 404
    assert browser.post(settings_url(world.lycee), SETTINGS_FORM).status_code == 404
    assert not EstablishmentNotificationSettings.objects.exists()


def test_the_settings_page_has_a_constant_number_of_queries(world, login, django_assert_max_num_queries):
    browser = login(world.head)
    browser.get(SETTINGS)
    with django_assert_max_num_queries(20):
        browser.get(SETTINGS)


def test_two_staff_editing_the_settings_at_once_never_overwrite_each_other(world, login, client):
    import re

    head = login(world.head)
    page = head.get(settings_url(world.lycee)).content.decode()
    seen_by_head = re.search(r'name="seen_version" value="([^"]*)"', page)
    seen_by_head = seen_by_head.group(1) if seen_by_head else ""
    # The CPE opens the page, saves a budget of 300.
    cpe = client.__class__()
    cpe.force_login(world.cpe)
    cpe_page = cpe.get(settings_url(world.lycee)).content.decode()
    seen_by_cpe = re.search(r'name="seen_version" value="([^"]*)"', cpe_page)
    assert cpe.post(settings_url(world.lycee), SETTINGS_FORM | {"sms_monthly_budget": "300", "seen_version": seen_by_cpe.group(1) if seen_by_cpe else ""}).status_code == 302
    # The head, who opened the page before, saves 250: refused, the CPE's value stays.
    response = head.post(settings_url(world.lycee), SETTINGS_FORM | {"seen_version": seen_by_head}, follow=True)
    assert "a modifié ces réglages pendant que vous les changiez" in response.content.decode()
    row = EstablishmentNotificationSettings.objects.get(establishment=world.lycee)
    assert row.sms_monthly_budget == 300
    assert AuditEvent.objects.filter(action="notifications.settings_changed").count() == 1
    # Starting again from what is saved now works.
    fresh = re.search(r'name="seen_version" value="([^"]*)"', head.get(settings_url(world.lycee)).content.decode()).group(1)
    assert head.post(settings_url(world.lycee), SETTINGS_FORM | {"seen_version": fresh}).status_code == 302
    row.refresh_from_db()
    assert row.sms_monthly_budget == 250
