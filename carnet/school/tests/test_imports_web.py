"""The imports page: upload, preview, apply; history; example files. Allowed, refused, outsider."""

import html as htmllib
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carnet.school.imports import pending
from carnet.school.models import Enrollment, ImportRun, SchoolClass
from carnet.school.tests.test_imports_support import WORLD_STUDENTS, student_row, students_file

User = get_user_model()
URL = "/etablissement/imports/"
NEW = [
    student_row("124000001DD", "LEROY", "Émile", "23/11/2010", "1re B", sex="M",
                guardian1=("LEROY", "Sophie", "Mère", "07 11 22 33 44", "")),
    student_row("124000002EE", "PETIT", "Lucas", "30/06/2009", "2nde A", sex="M"),
]


def upload(client, content, *, kind="students", name="eleves.csv"):
    return client.post(URL, {"kind": kind, "file": SimpleUploadedFile(name, content, content_type="text/csv")})


def apply_fields(response) -> dict:
    html = response.content.decode()
    form = html[html.index('action="/etablissement/imports/appliquer/"'):]
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form[: form.index("</form>")]))


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


def state():
    return (User.objects.count(), Enrollment.objects.count(), SchoolClass.objects.count(), ImportRun.objects.count())


def test_url_names():
    assert reverse("school:imports") == URL
    assert reverse("school:imports_apply") == URL + "appliquer/"
    assert reverse("school:import_example", args=["staff", "csv"]) == URL + "modeles/staff.csv"


@pytest.mark.parametrize("who", ["secretary", "head"])
def test_account_managers_see_the_page(world, login, who):
    response = login(getattr(world, who)).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Déposer un fichier" in html and "Lycée Victor-Hugo" in html
    assert reverse("school:import_example", args=["students", "xlsx"]) in html


@pytest.mark.parametrize("who", ["teacher_maths", "cpe", "outsider", "alice_mother"])
def test_others_are_refused_without_seeing_anything(world, login, who):
    client = login(getattr(world, who))
    before = state()
    assert client.get(URL).status_code == 403
    response = upload(client, students_file(*NEW))
    assert response.status_code == 403
    assert "Lycée Victor-Hugo" not in response.content.decode()
    assert client.post(URL + "appliquer/", {"kind": "students"}).status_code == 403
    assert client.get(URL + "modeles/students.csv").status_code == 403
    assert state() == before


def test_preview_then_apply(world, login):
    client = login(world.secretary)
    before = state()

    response = upload(client, students_file(*WORLD_STUDENTS, *NEW))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Aperçu de « eleves.csv »" in html
    assert "Classes qui seront créées" in html and "1re B" in html
    assert "LEROY Émile" in html
    assert state() == before  # a preview writes nothing
    fields = apply_fields(response)
    assert fields["kind"] == "students" and len(fields["digest"]) == 64

    response = client.post(URL + "appliquer/", fields)

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("school:import_run", args=[run.public_id])
    assert run.actor == world.secretary and run.summary["counts"]["students"]["created"] == 2
    assert SchoolClass.objects.filter(name="1re B").exists()
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Import appliqué." in page.content.decode()
    assert "Fiches d'activation" in page.content.decode()
    # The kept file is gone: applying twice is not possible.
    again = client.post(URL + "appliquer/", fields, follow=True)
    assert "n'est plus disponible" in text(again)
    assert ImportRun.objects.count() == 1


def test_preview_of_an_invalid_file_lists_problems_and_offers_no_apply(world, login):
    client = login(world.head)
    rows = [*NEW, student_row("9", "FAUX", "Jour", "30/02/2010", "2nde A")]
    response = upload(client, students_file(*rows))
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 problème à corriger." in html
    assert "La date « 30/02/2010 » n'existe pas." in text(response)
    assert "appliquer/" not in html
    assert not ImportRun.objects.exists()


def test_an_unreadable_file_is_refused_on_the_form(world, login):
    response = upload(login(world.secretary), b"%PDF-1.4", name="liste.pdf")
    assert response.status_code == 422
    assert "Format de fichier non pris en charge" in response.content.decode()


def test_the_kept_file_belongs_to_whoever_uploaded_it(world, login, client):
    secretary = login(world.secretary)
    fields = apply_fields(upload(secretary, students_file(*NEW)))
    client.force_login(world.head)  # another account manager cannot apply the secretary's file
    response = client.post(URL + "appliquer/", fields, follow=True)
    assert "n'est plus disponible" in text(response)
    assert not ImportRun.objects.exists()


def test_a_tampered_file_is_not_applied(world, login):
    client = login(world.secretary)
    fields = apply_fields(upload(client, students_file(*NEW)))
    pending.discard_all(world.secretary)
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    default_storage.save(f"imports/pending/{world.secretary.public_id}/{fields['digest']}", ContentFile(b"autre"))
    response = client.post(URL + "appliquer/", fields, follow=True)
    assert "n'est plus disponible" in text(response)
    assert not ImportRun.objects.exists()


def test_apply_shows_the_new_preview_when_data_changed_meanwhile(world, login):
    client = login(world.secretary)
    fields = apply_fields(upload(client, students_file(*NEW)))
    from carnet.school.tests.test_imports_support import apply

    apply(world, "students", students_file(NEW[1]), actor=world.head)  # the head imported part of it

    response = client.post(URL + "appliquer/", fields)
    assert response.status_code == 409
    html = response.content.decode()
    assert "ont changé depuis l" in html and "Appliquer" in html
    assert ImportRun.objects.count() == 1


def test_run_detail_is_scoped(world, login):
    client = login(world.secretary)
    fields = apply_fields(upload(client, students_file(*NEW)))
    client.post(URL + "appliquer/", fields)
    url = reverse("school:import_run", args=[ImportRun.objects.get().public_id])
    assert client.get(url).status_code == 200
    assert login(world.outsider).get(url).status_code == 404
    assert login(world.teacher_maths).get(url).status_code == 404


def test_history_query_count_is_pinned(world, login, django_assert_max_num_queries):
    client = login(world.secretary)
    from carnet.school.tests.test_imports_support import apply

    for i in range(3):
        apply(world, "students", students_file(student_row(f"1{i}", "NOM", f"P{i}", "01/01/2010", "2nde A")))
    client.get(URL)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.content.decode().count(reverse("school:import_run", args=[ImportRun.objects.first().public_id])) == 1
    for i in range(3, 15):
        apply(world, "students", students_file(student_row(f"1{i}", "NOM", f"P{i}", "01/01/2010", "2nde A")))
    with django_assert_max_num_queries(12):
        client.get(URL)


@pytest.mark.parametrize(("kind", "extension"), [("students", "csv"), ("staff", "xlsx"), ("assignments", "csv")])
def test_example_files_download(world, login, kind, extension):
    response = login(world.secretary).get(reverse("school:import_example", args=[kind, extension]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="modele-')
    if extension == "csv":
        assert response.content.startswith(b"\xef\xbb\xbf")
    else:
        assert response.content.startswith(b"PK")
    assert login(world.secretary).get(URL + "modeles/other.csv").status_code == 404


def test_navigation_entries(world, rf):
    from carnet.school.web.imports import register_navigation
    from carnet.ui import navigation

    register_navigation()

    def keys(user):
        request = rf.get("/")
        request.user = user
        return {item["key"] for item in navigation.items_for(request)}

    assert {"imports", "audit"} <= keys(world.secretary)
    assert "imports" not in keys(world.cpe) and "audit" in keys(world.cpe)
    assert not {"imports", "audit"} & keys(world.teacher_maths)
    assert not {"imports", "audit"} & keys(world.outsider)
