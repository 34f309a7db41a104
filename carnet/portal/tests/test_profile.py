"""The profile page: identity read-only, contact details and language editable, changes audited."""

from __future__ import annotations

import html

import pytest
from django.conf import settings
from django.urls import reverse

from carnet.audit.models import AuditEvent
from carnet.portal.forms import normalize_phone

PROFILE = reverse("portal:profile")


def text(response) -> str:
    return html.unescape(response.content.decode())


def form_data(user, **changes) -> dict:
    data = {"email": user.email, "phone": user.phone, "language": user.language}
    data.update(changes)
    return data


def test_anonymous_is_sent_to_sign_in(client, world):
    assert client.get(PROFILE).status_code == 302
    assert client.post(PROFILE, {"email": "x@example.org"}).status_code == 302


def test_profile_shows_identity_and_roles_read_only(world, login):
    response = login(world.teacher_french).get(PROFILE)
    page = text(response)
    assert "fanny.francais" in page
    assert "Enseignant · Français (2nde B)" in page
    assert "Responsable de Bruno FRANÇAIS" in page
    assert "Lycée Victor-Hugo" in page
    form = response.context["form"]
    assert set(form.fields) == {"email", "phone", "language"}  # names are not editable here
    assert 'name="first_name"' not in page and 'name="username"' not in page


def test_profile_links_to_account_security_pages(world, login):
    page = text(login(world.alice).get(PROFILE))
    for name in ("identity:password_change", "identity:sessions", "identity:totp", "identity:tokens"):
        assert f'href="{reverse(name)}"' in page


def test_contact_change_is_saved_normalised_and_audited(world, login):
    client = login(world.alice_mother)
    response = client.post(PROFILE, form_data(world.alice_mother, email="anne@Example.ORG", phone="06 11 22 33 44"))
    assert response.status_code == 302
    world.alice_mother.refresh_from_db()
    assert world.alice_mother.email == "anne@example.org"
    assert world.alice_mother.phone == "+33611223344"
    (event,) = AuditEvent.objects.filter(action="profile.contact_changed")
    assert event.actor == world.alice_mother
    assert event.establishment == world.lycee
    assert event.object_id == str(world.alice_mother.public_id)
    assert event.changes == {
        "email": ["anne.martin@example.org", "anne@example.org"],
        "phone": ["+33612345678", "+33611223344"],
    }
    assert "Vos coordonnées et préférences sont enregistrées." in text(client.get(PROFILE))


def test_benin_numbers_are_read_in_benin(world, login):
    client = login(world.dossou_parent)
    client.post(PROFILE, form_data(world.dossou_parent, phone="01 97 00 00 02"))
    world.dossou_parent.refresh_from_db()
    assert world.dossou_parent.phone == "+2290197000002"
    assert AuditEvent.objects.get(action="profile.contact_changed").establishment == world.ceg


def test_invalid_phone_is_refused_with_a_french_message(world, login):
    client = login(world.alice_mother)
    response = client.post(PROFILE, form_data(world.alice_mother, phone="12ab", email="new@example.org"))
    assert response.status_code == 200
    page = text(response)
    assert "Ce numéro de téléphone n'est pas valide." in page
    assert 'class="field has-error"' in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_phone_helptext id_phone_error"' in page
    world.alice_mother.refresh_from_db()
    assert world.alice_mother.phone == "+33612345678"
    assert world.alice_mother.email == "anne.martin@example.org"
    assert not AuditEvent.objects.exists()


def test_invalid_email_is_refused_with_a_french_message(world, login):
    response = login(world.alice).post(PROFILE, form_data(world.alice, email="pas-une-adresse"))
    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide." in text(response)
    world.alice.refresh_from_db()
    assert world.alice.email == "alice.martin@example.org"


def test_language_change_applies_at_once_and_is_not_audited(world, login):
    client = login(world.alice)
    response = client.post(PROFILE, form_data(world.alice, language="en"))
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    world.alice.refresh_from_db()
    assert world.alice.language == "en"
    assert client.get(PROFILE)["Content-Language"] == "en"
    assert not AuditEvent.objects.exists()

    response = client.post(PROFILE, form_data(world.alice, language=""))
    world.alice.refresh_from_db()
    assert world.alice.language == ""
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted


def test_unknown_language_is_refused(world, login):
    response = login(world.alice).post(PROFILE, form_data(world.alice, language="xx"))
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    world.alice.refresh_from_db()
    assert world.alice.language == ""


def test_nothing_changed_records_nothing(world, login):
    client = login(world.alice_mother)
    response = client.post(PROFILE, form_data(world.alice_mother))
    assert response.status_code == 302
    assert not AuditEvent.objects.exists()
    assert "Aucune modification à enregistrer." in text(client.get(PROFILE))


def test_a_person_can_only_change_their_own_details(world, login):
    # No identifier travels with the form: whatever is posted changes the signed-in person only.
    client = login(world.outsider)
    client.post(PROFILE, {"email": "o@example.org", "phone": "", "language": "", "user": str(world.alice.public_id)})
    world.alice.refresh_from_db()
    world.outsider.refresh_from_db()
    assert world.alice.email == "alice.martin@example.org"
    assert world.outsider.email == "o@example.org"


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("06.12.34.56.78", "FR", "+33612345678"),
        ("+33 6 12 34 56 78", "FR", "+33612345678"),
        ("0033 6 12 34 56 78", "FR", "+33612345678"),
        ("+229 01 97 00 00 01", "FR", "+2290197000001"),
        ("01 97 00 00 01", "BJ", "+2290197000001"),
        ("97 00 00 01", "BJ", "+22997000001"),
        ("(+44) 20 7946 0958", "FR", "+442079460958"),
        ("0612", "FR", None),
        ("00 00", "FR", None),
        ("+0612345678", "FR", None),
        ("phone", "FR", None),
        ("+33 6 12 34 56 78 90 12 34 56", "FR", None),
    ],
)
def test_normalize_phone(raw, country, expected):
    assert normalize_phone(raw, country) == expected
