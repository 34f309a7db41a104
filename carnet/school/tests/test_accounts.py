"""Account management by the establishment: the scope, the list, a person's page and its actions."""

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from carnet.audit.models import AuditEvent
from carnet.identity.models import ActivationCode, UserSession, digest
from carnet.school import policies
from carnet.school.services import accounts
from carnet.ui import navigation

LIST = "/etablissement/comptes/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def django_app_client_factory():
    """Another browser: a fresh test client with its own cookies."""
    from django.test import Client

    return Client


def detail(person):
    return reverse("school:account_detail", args=[person.public_id])


# --- the scope -------------------------------------------------------------------------------------
def test_the_scope_is_the_directory_intersected_with_the_reset_policy(world):
    everyone = world.people().values()
    for actor in (world.head, world.secretary, world.cpe, world.teacher_maths, world.alice, world.outsider):
        expected = {
            p.pk for p in everyone if p in set(policies.people_visible_to(actor)) and policies.can_reset_account(actor, p)
        }
        assert set(accounts.accounts_visible_to(actor).values_list("pk", flat=True)) == expected, actor


def test_the_scope_keeps_closed_accounts_so_they_can_be_reopened(world):
    world.alice.is_active = False
    world.alice.save(update_fields=["is_active"])
    assert accounts.accounts_visible_to(world.head).filter(pk=world.alice.pk).exists()


def test_a_secretary_does_not_manage_the_head(world):
    assert not accounts.accounts_visible_to(world.secretary).filter(pk=world.head.pk).exists()
    assert accounts.accounts_visible_to(world.head).filter(pk=world.secretary.pk).exists()


# --- the list page ---------------------------------------------------------------------------------
def test_the_list_for_an_account_manager(login, world, django_assert_max_num_queries):
    client = login(world.secretary)
    client.get(LIST)  # the first request of a session records it
    with django_assert_max_num_queries(11):
        response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "alice.martin" in html and "anne.martin" in html and "marc.maths" in html
    assert "helene.proviseur" not in html  # the head is out of a secretary's reach
    assert "koffi.dossou" not in html and "olivier.dehors" not in html  # the other establishment


def test_the_list_query_count_does_not_grow_with_people(login, world, django_assert_max_num_queries):
    from carnet.testing.factories import UserFactory, enroll

    for n in range(30):
        enroll(UserFactory(first_name=f"Élève{n}", last_name="Nombreux"), world.seconde_a)
    client = login(world.secretary)
    client.get(LIST)
    with django_assert_max_num_queries(11):
        assert client.get(LIST).status_code == 200


def test_searching_ignores_accents_and_case(login, world):
    client = login(world.head)
    html = client.get(LIST, {"q": "CHLOE durand"}).content.decode()
    assert "chloe.durand" in html and "alice.martin" not in html


def test_filtering_those_who_never_signed_in_and_closed_accounts(login, world):
    world.alice.last_login = timezone.now()
    world.alice.save(update_fields=["last_login"])
    world.bruno.is_active = False
    world.bruno.save(update_fields=["is_active"])
    client = login(world.head)
    never = client.get(LIST, {"statut": "never"}).content.decode()
    assert "alice.martin" not in never and "chloe.durand" in never
    closed = client.get(LIST, {"statut": "inactive"}).content.decode()
    assert "bruno.francais" in closed and "chloe.durand" not in closed


def test_htmx_gets_only_the_results(login, world):
    client = login(world.head)
    response = client.get(LIST, {"q": "alice"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "alice.martin" in html and "<html" not in html


@pytest.mark.parametrize("name", ["cpe", "teacher_maths", "alice", "alice_mother", "outsider"])
def test_the_list_is_refused_to_others(login, world, name):
    assert login(getattr(world, name)).get(LIST).status_code == 403


def test_the_navigation_shows_comptes_to_account_managers_only(rf, world):
    def entries(user):
        request = rf.get("/")
        request.user = user
        return [item["key"] for item in navigation.items_for(request)]

    assert "accounts" in entries(world.secretary)
    assert "accounts" not in entries(world.cpe)
    assert "accounts" not in entries(world.alice)


# --- a person's page -------------------------------------------------------------------------------
def test_the_person_page_shows_the_account_status(login, world):
    world.alice_mother.totp_secret = "JBSWY3DPEHPK3PXP"
    world.alice_mother.totp_confirmed_at = timezone.now()
    world.alice_mother.save(update_fields=["totp_secret", "totp_confirmed_at"])
    response = login(world.secretary).get(detail(world.alice_mother))
    assert response.status_code == 200
    html = response.content.decode()
    assert "anne.martin" in html and "Alice" in html and "Chloé" in html  # her children
    assert "Activée" in html  # second factor
    assert "Jamais" in html  # never signed in


def test_the_person_page_for_someone_never_activated(login, world):
    world.chloe.password = make_password(None)
    world.chloe.save(update_fields=["password"])
    html = login(world.head).get(detail(world.chloe)).content.decode()
    assert "jamais activé" in html


@pytest.mark.parametrize("actor,target", [
    ("cpe", "alice"),  # refused: not an account manager
    ("teacher_maths", "alice"),
    ("secretary", "head"),  # refused: a secretary does not reset the head
    ("head", "dossou"),  # outsider: another establishment
    ("outsider", "alice"),
    ("head", "head"),  # oneself: through the profile pages, not here
])
def test_person_pages_outside_the_scope_answer_404(login, world, actor, target):
    client = login(getattr(world, actor))
    person = getattr(world, target)
    assert client.get(detail(person)).status_code == 404
    for name in ("school:account_issue_code", "school:account_deactivate", "school:account_reactivate", "school:account_reset_totp"):
        assert client.post(reverse(name, args=[person.public_id])).status_code == 404
    person.refresh_from_db()
    assert person.is_active
    assert not ActivationCode.objects.filter(user=person).exists()
    assert not AuditEvent.objects.exists()


# --- actions ---------------------------------------------------------------------------------------
def test_a_new_code_for_one_person_is_printed_and_audited(login, world, settings):
    settings.SITE_URL = "https://carnet.example"
    response = login(world.secretary).post(reverse("school:account_issue_code", args=[world.chloe.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "chloe.durand" in html and "https://carnet.example/compte/activation/" in html
    [row] = ActivationCode.objects.filter(user=world.chloe)
    code = next(word for word in html.replace("<", " ").replace(">", " ").split() if len(word) == 14 and word.count("-") == 2)
    assert row.code_digest == digest(code)
    event = AuditEvent.objects.get(action="identity.activation_code_issued")
    assert event.actor == world.secretary and event.establishment == world.lycee


def test_the_code_page_is_only_for_posts(login, world):
    assert login(world.head).get(reverse("school:account_issue_code", args=[world.chloe.public_id])).status_code == 405


def test_deactivation_ends_access_immediately(login, world, django_app_client_factory):
    chloe_browser = django_app_client_factory()
    chloe_browser.post("/compte/connexion/", {"identifier": "chloe.durand", "password": world.password})
    assert chloe_browser.get("/compte/sessions/").status_code == 200

    response = login(world.head).post(reverse("school:account_deactivate", args=[world.chloe.public_id]))
    assert response.status_code == 302
    world.chloe.refresh_from_db()
    assert not world.chloe.is_active
    assert not UserSession.objects.filter(user=world.chloe).exists()
    assert chloe_browser.get("/compte/sessions/").status_code == 302  # signed out at the next request
    response = chloe_browser.post("/compte/connexion/", {"identifier": "chloe.durand", "password": world.password})
    assert response.status_code == 200  # and cannot sign in again
    event = AuditEvent.objects.get(action="identity.account_deactivated")
    assert event.changes["is_active"] == [True, False] and event.establishment == world.lycee


def test_a_closed_account_gets_no_code_until_reopened(login, world):
    client = login(world.head)
    client.post(reverse("school:account_deactivate", args=[world.chloe.public_id]))
    response = client.post(reverse("school:account_issue_code", args=[world.chloe.public_id]))
    assert response.status_code == 302
    assert not ActivationCode.objects.filter(user=world.chloe).exists()

    client.post(reverse("school:account_reactivate", args=[world.chloe.public_id]))
    world.chloe.refresh_from_db()
    assert world.chloe.is_active
    assert AuditEvent.objects.filter(action="identity.account_reactivated", object_id=str(world.chloe.public_id)).exists()
    assert client.post(reverse("school:account_issue_code", args=[world.chloe.public_id])).status_code == 200


def test_resetting_a_lost_second_factor(login, world):
    world.teacher_maths.totp_secret = "JBSWY3DPEHPK3PXP"
    world.teacher_maths.totp_confirmed_at = timezone.now()
    world.teacher_maths.save(update_fields=["totp_secret", "totp_confirmed_at"])
    response = login(world.head).post(reverse("school:account_reset_totp", args=[world.teacher_maths.public_id]))
    assert response.status_code == 302
    world.teacher_maths.refresh_from_db()
    assert not world.teacher_maths.has_totp
    assert AuditEvent.objects.filter(action="identity.totp_reset").exists()
