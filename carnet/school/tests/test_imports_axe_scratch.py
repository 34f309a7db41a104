import pytest
from django.conf import settings
from carnet.e2e_tests.conftest import browser, phone, desktop, check_page  # noqa
from carnet.audit.services import record
from carnet.school.tests.test_imports_support import students_file, student_row, WORLD_STUDENTS, apply

pytestmark = pytest.mark.django_db(transaction=True)

def login(page, client, live_server, user):
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])

@pytest.mark.parametrize("fixture", ["phone", "desktop"])
def test_axe(request, world, client, live_server, tmp_path, fixture):
    page = request.getfixturevalue(fixture)
    login(page, client, live_server, world.secretary)
    apply(world, "students", students_file(*WORLD_STUDENTS))
    page.goto(live_server.url + "/etablissement/imports/")
    check_page(page, "imports-index")
    good = tmp_path / "eleves.csv"
    good.write_bytes(students_file(*WORLD_STUDENTS, student_row("9", "NEUF", "Ada", "01/01/2010", "1re B", guardian1=("NEUF", "Eva", "Mère", "0611111111", ""))))
    page.check("input[value=students]")
    page.set_input_files("input[type=file]", str(good))
    page.click("button:has-text('Voir l')")
    page.click("summary")
    check_page(page, "imports-preview")
    page.click("button:has-text('Appliquer')")
    check_page(page, "imports-run")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(students_file(student_row("9", "", "Ada", "31/02/2010", "1re B")))
    page.goto(live_server.url + "/etablissement/imports/")
    page.check("input[value=students]")
    page.set_input_files("input[type=file]", str(bad))
    page.click("button:has-text('Voir l')")
    check_page(page, "imports-problems")
    record(actor=world.head, action="identity.account_deactivated", obj=world.alice, establishment=world.lycee, changes={"is_active": (True, False)})
    page.goto(live_server.url + "/etablissement/journal/")
    check_page(page, "audit")
