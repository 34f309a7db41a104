"""Journeys in a real browser (Chromium, 360 px phone): the centre, marking a notification read
through htmx, the preference grid, and the establishment settings, each checked by axe-core."""

import pytest
from django.conf import settings
from django.test import Client

from carnet.notifications import services
from carnet.notifications.models import NotificationPreference
from carnet.notifications.tests.conftest import ABSENCE, GRADE

pytestmark = pytest.mark.e2e


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_a_guardian_reads_notifications_and_tunes_them_on_a_phone(world, live_server, phone, a11y):
    for title in ("Nouvelle note en mathématiques", "Nouvelle note en français"):
        services.notify(recipients=[world.alice_mother], kind=GRADE, title=title, body="Contrôle du jour", url="/")
    services.notify(recipients=[world.alice_mother], kind=ABSENCE, title="Absence d'Alice", body="De 8 h à 10 h.")
    sign_in(phone, live_server, world.alice_mother)

    phone.goto(f"{live_server.url}/notifications/")
    assert phone.locator("#unread-count").inner_text() == "3 notifications non lues."
    a11y(phone, "notifications-centre")
    phone.get_by_role("button", name="Marquer comme lue : Absence d'Alice").click()
    phone.wait_for_function("document.querySelector('#unread-count').innerText.startsWith('2 ')")
    assert phone.get_by_role("button", name="Marquer comme lue : Absence d'Alice").count() == 0

    phone.goto(f"{live_server.url}/notifications/preferences/")
    a11y(phone, "notifications-preferences")
    phone.get_by_role("group", name="Nouvelle note").get_by_label("E-mail").select_option("never")
    phone.get_by_role("button", name="Enregistrer").click()
    phone.wait_for_url(f"{live_server.url}/notifications/preferences/")
    assert phone.get_by_text("Vos préférences sont enregistrées.").is_visible()
    assert NotificationPreference.objects.get(user=world.alice_mother).mode == "never"


def test_the_head_reads_the_establishment_settings_on_a_phone(world, live_server, phone, a11y):
    sign_in(phone, live_server, world.head)
    phone.goto(f"{live_server.url}/notifications/etablissement/")
    a11y(phone, "notifications-establishment-settings")
    phone.get_by_label("Budget SMS mensuel").fill("300")
    phone.get_by_role("button", name="Enregistrer").click()
    assert phone.get_by_text("Les réglages des notifications sont enregistrés.").is_visible()
    assert phone.get_by_text("0 / 300").is_visible()
