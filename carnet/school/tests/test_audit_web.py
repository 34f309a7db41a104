"""The audit page (journal): who may read it, filters, pagination, readable values."""

import html as htmllib

import pytest
from django.urls import reverse

from carnet.audit.models import AuditEvent
from carnet.audit.services import record
from carnet.school.web.audit import field_label, readable

URL = "/etablissement/journal/"


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


@pytest.fixture
def events(world):
    record(actor=world.head, action="identity.account_deactivated", obj=world.alice, establishment=world.lycee,
           changes={"is_active": (True, False), "sessions_ended": (None, 2)})
    record(actor=world.secretary, action="import.students", establishment=world.lycee, object_type="school.importrun",
           object_repr="Import élèves — rentree.csv", changes={"file_name": (None, "rentree.csv"), "students.created": (None, 12), "classes.created": (None, 2)})
    record(actor=world.secretary, action="profile.contact_changed", obj=world.chloe_father, establishment=world.lycee,
           changes={"phone": ("+33698765432", "+33600000000")})
    record(actor=world.outsider, action="identity.totp_reset", obj=world.dossou, establishment=world.ceg,
           changes={"totp": (True, False)})


def test_url_name():
    assert reverse("school:audit") == URL


@pytest.mark.parametrize("who", ["head", "secretary", "cpe"])
def test_administrative_staff_read_their_establishments_events(world, login, events, who):
    response = login(getattr(world, who)).get(URL)
    assert response.status_code == 200
    page = text(response)
    assert "3 événements" in page
    assert "Compte désactivé" in page and "Compte actif :" in page and "Oui" in page and "Non" in page
    assert "Élèves créés :" in page and "12" in page and "Classes créées :" in page
    assert "Fichier :" in page and "rentree.csv" in page
    assert "+33698765432" in page and "+33600000000" in page
    assert "DOSSOU Koffi" not in page and "Double authentification réinitialisée" not in page


@pytest.mark.parametrize("who", ["teacher_maths", "alice_mother", "alice", "outsider"])
def test_others_are_refused_without_seeing_anything(world, login, events, who):
    response = login(getattr(world, who)).get(URL)
    assert response.status_code == 403
    assert "MARTIN Alice" not in text(response)


def test_another_establishment_cannot_be_named(world, login, events):
    response = login(world.head).get(URL, {"etablissement": str(world.ceg.public_id)})
    assert response.status_code == 404


def test_filters_by_action_and_person(world, login, events):
    client = login(world.head)
    by_action = text(client.get(URL, {"action": "import.students"}))
    assert "1 événement" in by_action and "rentree.csv" in by_action and "Compte désactivé</td>" not in by_action

    by_text = text(client.get(URL, {"personne": "durand"}))
    assert "1 événement" in by_text and "DURAND Charles" in by_text

    by_actor = text(client.get(URL, {"qui": str(world.secretary.public_id)}))
    assert "2 événements" in by_actor and "Pour : SECRÉTAIRE Sam" in by_actor

    concerning = text(client.get(URL, {"qui": str(world.alice.public_id)}))
    assert "1 événement" in concerning and "Pour : MARTIN Alice" in concerning

    assert client.get(URL, {"qui": "pas-un-uuid"}).status_code == 404


def test_the_filter_form_lists_the_actions_present(world, login, events):
    page = text(login(world.head).get(URL))
    assert '<option value="import.students">Import des élèves et responsables</option>' in page
    assert 'value="identity.totp_reset"' not in page  # only the CEG has one


def test_htmx_requests_get_the_results_only(world, login, events):
    response = login(world.head).get(URL, {"action": "import.students"}, HTTP_HX_REQUEST="true")
    page = text(response)
    assert "1 événement" in page and "<html" not in page


def test_pagination_fifty_per_page_and_constant_queries(world, login, django_assert_max_num_queries):
    for i in range(120):
        record(actor=world.head, action="identity.activation_code_issued", obj=world.alice, establishment=world.lycee,
               changes={"expires_at": (None, f"2026-12-{1 + i % 28:02d}T10:00:00+00:00")})
    client = login(world.head)
    client.get(URL)
    with django_assert_max_num_queries(14):
        first = client.get(URL)
    assert text(first).count("Code d'activation remis</td>") == 50
    with django_assert_max_num_queries(14):
        last = client.get(URL, {"page": 3})
    assert text(last).count("Code d'activation remis</td>") == 20
    assert AuditEvent.objects.count() == 120


def test_values_are_shown_readably():
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    assert readable(True, paris) == "Oui" and readable(None, paris) == "—"
    assert readable("2026-12-01T10:00:00+00:00", paris) == "01/12/2026 11:00"
    assert readable("2010-05-04", paris) == "04/05/2010"
    assert readable(["a", "b"], paris) == "a, b"
    assert readable(list(range(25)), paris).endswith("… (+5)")
    assert field_label("guardians.updated") == "Responsables mis à jour"
    assert field_label("birth_date") == "Date de naissance"
    assert field_label("something_else") == "something_else"
