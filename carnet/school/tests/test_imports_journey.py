"""Browser journey: a secretary imports the students on a phone, then the head reads the journal.
Every page is checked with axe-core (no serious or critical violation)."""

import pytest
from django.conf import settings

from carnet.school.models import Enrollment, ImportRun
from carnet.school.tests.test_imports_support import WORLD_STUDENTS, student_row, students_file
from carnet.testing.browser import check_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, client, live_server, user):
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def choose_and_preview(page, path):
    page.get_by_label("Élèves et responsables").check()
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Voir l'aperçu").click()


def test_import_students_on_a_phone_then_read_the_journal(world, client, live_server, tmp_path, phone, desktop):
    sign_in(phone, client, live_server, world.secretary)
    phone.goto(live_server.url + "/etablissement/imports/")
    check_page(phone, "imports")

    bad = tmp_path / "eleves-faux.csv"
    bad.write_bytes(students_file(student_row("9", "", "Ada", "31/02/2010", "1re B")))
    choose_and_preview(phone, bad)
    assert phone.get_by_text("2 problèmes à corriger.").is_visible()
    assert phone.get_by_role("button", name="Appliquer").count() == 0
    check_page(phone, "imports-problems")

    good = tmp_path / "eleves.csv"
    good.write_bytes(students_file(
        *WORLD_STUDENTS,
        student_row("9", "NEUF", "Ada", "01/01/2010", "1re B", guardian1=("NEUF", "Eva", "Mère", "06 11 11 11 11", "")),
    ))
    choose_and_preview(phone, good)
    assert phone.get_by_text("Le fichier est valide.").is_visible()
    phone.get_by_text("Détail des créations et mises à jour").click()
    check_page(phone, "imports-preview")
    phone.get_by_role("button", name="Appliquer").click()
    assert phone.get_by_text("Import appliqué.").is_visible()
    check_page(phone, "imports-run")
    assert ImportRun.objects.count() == 1
    assert Enrollment.objects.filter(school_class__name="1re B").count() == 1

    sign_in(desktop, client, live_server, world.head)
    desktop.goto(live_server.url + "/etablissement/journal/")
    assert desktop.get_by_role("cell", name="Import des élèves et responsables").is_visible()
    check_page(desktop, "journal")
