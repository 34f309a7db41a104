"""Active sessions: listing, ending one, ending the others; the password change."""

from django.urls import reverse

from carnet.identity.models import UserSession
from carnet.identity.sessions import describe_user_agent

SESSIONS = "/compte/sessions/"
LOGIN = "/compte/connexion/"
PHONE_UA = "Mozilla/5.0 (Linux; Android 14; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
DESKTOP_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def browser(factory, world, user, ua):
    client = factory(HTTP_USER_AGENT=ua)
    assert client.post(LOGIN, {"identifier": user.username, "password": world.password}).status_code == 302
    return client


def test_the_list_shows_each_browser_in_plain_words(world, django_app_client_factory, django_assert_max_num_queries):
    phone = browser(django_app_client_factory, world, world.alice, PHONE_UA)
    browser(django_app_client_factory, world, world.alice, DESKTOP_UA)
    browser(django_app_client_factory, world, world.bruno, DESKTOP_UA)
    with django_assert_max_num_queries(8):
        response = phone.get(SESSIONS)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Chrome sur Android" in html and "Firefox sur Windows" in html
    assert html.count("Ce navigateur") == 1
    assert "2 sessions" in html  # bruno's session is not listed


def test_ending_one_session_signs_that_browser_out_at_its_next_request(world, django_app_client_factory):
    phone = browser(django_app_client_factory, world, world.alice, PHONE_UA)
    desktop = browser(django_app_client_factory, world, world.alice, DESKTOP_UA)
    row = UserSession.objects.get(session_key=desktop.session.session_key)
    response = phone.post(reverse("identity:session_end", args=[row.public_id]))
    assert response.status_code == 302
    assert not UserSession.objects.filter(pk=row.pk).exists()
    assert desktop.get(SESSIONS).status_code == 302  # back to the sign-in page
    assert phone.get(SESSIONS).status_code == 200


def test_nobody_ends_someone_elses_session(world, django_app_client_factory):
    alice = browser(django_app_client_factory, world, world.alice, PHONE_UA)
    bruno = browser(django_app_client_factory, world, world.bruno, DESKTOP_UA)
    row = UserSession.objects.get(user=world.bruno)
    assert alice.post(reverse("identity:session_end", args=[row.public_id])).status_code == 404
    assert UserSession.objects.filter(pk=row.pk).exists()
    assert bruno.get(SESSIONS).status_code == 200


def test_the_current_session_is_ended_by_signing_out_not_from_the_list(world, django_app_client_factory):
    phone = browser(django_app_client_factory, world, world.alice, PHONE_UA)
    row = UserSession.objects.get(session_key=phone.session.session_key)
    phone.post(reverse("identity:session_end", args=[row.public_id]))
    assert UserSession.objects.filter(pk=row.pk).exists()


def test_ending_all_the_others(world, django_app_client_factory):
    phone = browser(django_app_client_factory, world, world.alice, PHONE_UA)
    others = [browser(django_app_client_factory, world, world.alice, DESKTOP_UA) for _ in range(2)]
    bruno = browser(django_app_client_factory, world, world.bruno, DESKTOP_UA)
    assert phone.post(reverse("identity:sessions_end_others")).status_code == 302
    assert all(o.get(SESSIONS).status_code == 302 for o in others)
    assert phone.get(SESSIONS).status_code == 200
    assert bruno.get(SESSIONS).status_code == 200
    assert list(UserSession.objects.filter(user=world.alice).values_list("session_key", flat=True)) == [
        phone.session.session_key
    ]


def test_the_pages_need_a_signed_in_person(client, db):
    assert client.get(SESSIONS).status_code == 302
    assert client.post(reverse("identity:sessions_end_others")).status_code == 302


def test_user_agents_in_plain_words():
    assert describe_user_agent(PHONE_UA) == "Chrome sur Android"
    assert describe_user_agent(DESKTOP_UA) == "Firefox sur Windows"
    assert describe_user_agent(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
    ) == "Safari sur iPhone"
    assert describe_user_agent(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0"
    ) == "Edge sur Windows"
    assert describe_user_agent("curl/8.5") == "Application ou navigateur inconnu"
    assert describe_user_agent("") == "Appareil inconnu"


# --- password change -------------------------------------------------------------------------------
NEW_PASSWORD = "girafe-lampadaire-orage"


def test_changing_the_password_keeps_this_session_and_ends_the_others(world, django_app_client_factory):
    phone = browser(django_app_client_factory, world, world.alice, PHONE_UA)
    desktop = browser(django_app_client_factory, world, world.alice, DESKTOP_UA)
    response = phone.post(
        reverse("identity:password_change"),
        {"old_password": world.password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert phone.get(SESSIONS).status_code == 200
    assert desktop.get(SESSIONS).status_code == 302
    assert list(UserSession.objects.filter(user=world.alice).values_list("session_key", flat=True)) == [
        phone.session.session_key
    ]
    world.alice.refresh_from_db()
    assert world.alice.check_password(NEW_PASSWORD)


def test_the_old_password_is_required(client, world):
    client.force_login(world.alice)
    response = client.post(
        reverse("identity:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    world.alice.refresh_from_db()
    assert world.alice.check_password(world.password)


def test_the_password_rules_are_shown_and_applied(client, world):
    client.force_login(world.alice)
    page = client.get(reverse("identity:password_change")).content.decode()
    assert "10 caractères" in page
    response = client.post(
        reverse("identity:password_change"),
        {"old_password": world.password, "new_password1": "motdepasse1", "new_password2": "motdepasse1"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Ce mot de passe est trop courant.") == 1  # two validators agree: said once
    assert 'id="id_new_password1_error"' in html
