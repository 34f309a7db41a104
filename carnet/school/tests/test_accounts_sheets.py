"""Printable activation sheets of a class."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from carnet.audit.models import AuditEvent
from carnet.identity.models import ActivationCode, digest
from carnet.school.services import accounts

SHEETS = "/etablissement/fiches-activation/"
CODE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def post_sheet(client, school_class, audience="both", only_never=False):
    data = {"school_class": str(school_class.public_id), "audience": audience}
    if only_never:
        data["only_never_signed_in"] = "on"
    return client.post(SHEETS, data)


def test_the_form_lists_the_classes_of_the_establishment(login, world):
    response = login(world.secretary).get(SHEETS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2nde A" in html and "2nde B" in html and "6e M1" not in html


@pytest.mark.parametrize("name", ["cpe", "teacher_maths", "alice_mother", "outsider"])
def test_the_page_is_refused_to_others_and_issues_nothing(login, world, name):
    client = login(getattr(world, name))
    assert client.get(SHEETS).status_code == 403
    assert post_sheet(client, world.seconde_a).status_code == 403
    assert not ActivationCode.objects.exists() and not AuditEvent.objects.exists()


def test_a_class_of_another_establishment_is_refused(login, world):
    response = post_sheet(login(world.head), world.sixieme)
    assert response.status_code == 200  # the form answers "not a valid choice"
    assert not ActivationCode.objects.exists()


def test_the_sheet_has_one_slip_per_student_and_guardian(login, world, settings):
    settings.SITE_URL = "https://carnet.example"
    response = post_sheet(login(world.secretary), world.seconde_b)
    assert response.status_code == 200
    html = response.content.decode()
    # 2nde B: chloe, and her guardians Anne (alice_mother) and Charles (chloe_father).
    assert html.count('class="slip"') == 3
    for username in ("chloe.durand", "anne.martin", "charles.durand"):
        assert username in html
    codes = CODE.findall(html)
    assert len(codes) == 3
    assert {c.code_digest for c in ActivationCode.objects.all()} == {digest(c) for c in codes}
    assert html.count("https://carnet.example/compte/activation/") == 3
    assert "activation-sheets.css" in html  # the print stylesheet
    assert timezone.now().year <= int(re.search(r"20\d\d", html[html.index("Valable"):]).group(0))


def test_guardians_come_right_after_their_first_child_and_once_only(login, world):
    # Students by last name (FRANÇAIS Bruno, MARTIN Alice), each followed by their guardians;
    # Anne Martin, also chloe's mother (2nde B), gets one slip.
    html = post_sheet(login(world.head), world.seconde_a).content.decode()
    order = [html.index(u) for u in ("bruno.francais", "fanny.francais", "alice.martin", "anne.martin")]
    assert order == sorted(order)
    assert html.count("anne.martin") == 1


def test_students_only_or_guardians_only(login, world):
    client = login(world.head)
    students = post_sheet(client, world.seconde_a, "students").content.decode()
    assert "alice.martin" in students and "anne.martin" not in students
    guardians = post_sheet(client, world.seconde_a, "guardians").content.decode()
    assert "anne.martin" in guardians and "alice.martin" not in guardians


def test_only_those_who_never_signed_in(login, world):
    world.alice.last_login = timezone.now()
    world.alice.save(update_fields=["last_login"])
    html = post_sheet(login(world.head), world.seconde_a, "students", only_never=True).content.decode()
    assert "bruno.francais" in html and "alice.martin" not in html


def test_closed_accounts_and_out_of_reach_people_get_no_slip(login, world):
    world.bruno.is_active = False
    world.bruno.save(update_fields=["is_active"])
    html = post_sheet(login(world.head), world.seconde_a).content.decode()
    assert "bruno.francais" not in html
    assert "fanny.francais" in html  # bruno's parent is still there


def test_a_secretary_never_prints_a_code_for_the_head(login, world):
    from carnet.testing.factories import guard

    guard(world.head, world.alice, world.lycee, "guardian")
    html = post_sheet(login(world.secretary), world.seconde_a).content.decode()
    assert "helene.proviseur" not in html
    assert not ActivationCode.objects.filter(user=world.head).exists()


def test_printing_again_revokes_the_previous_codes_and_is_audited(login, world):
    client = login(world.head)
    first = CODE.findall(post_sheet(client, world.seconde_b, "students").content.decode())
    post_sheet(client, world.seconde_b, "students")
    assert ActivationCode.objects.get(code_digest=digest(first[0])).revoked_at is not None
    assert AuditEvent.objects.filter(establishment=world.lycee, actor=world.head).count() == 2


def test_nobody_left_gives_a_message_not_an_empty_sheet(login, world):
    for student in (world.alice, world.bruno):
        student.last_login = timezone.now()
        student.save(update_fields=["last_login"])
    response = post_sheet(login(world.head), world.seconde_a, "students", only_never=True)
    assert response.status_code == 302
    assert not ActivationCode.objects.exists()


def test_the_sheet_codes_work_on_the_activation_page(login, world, client):
    html = post_sheet(login(world.head), world.seconde_b, "students").content.decode()
    [code] = CODE.findall(html)
    from django.test import Client

    family = Client()
    response = family.post(reverse("identity:activate"), {"identifier": "chloe.durand", "code": code})
    assert response.status_code == 302 and response.url == reverse("identity:choose_password")


def test_the_service_refuses_a_non_manager(world):
    from carnet.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        accounts.issue_class_sheet(actor=world.cpe, school_class=world.seconde_a, audience="both")
