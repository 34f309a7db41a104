"""The home page: one panel per side, the foundation widgets, constant query counts."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse

from carnet.portal.children import SESSION_KEY
from carnet.portal.tests.helpers import add_students, count_queries
from carnet.testing.factories import UserFactory

HOME = reverse("portal:home")


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(HOME)
    assert response.status_code == 302
    assert reverse("identity:login") in response["Location"]


def test_greeting_uses_first_name_and_french_date(world, login):
    client = login(world.alice)
    response = client.get(HOME)
    page = text(response)
    assert "Bonjour Alice" in page
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre"]
    assert any(month in page for month in months)


def test_student_sees_class_main_teacher_and_teachers(world, login):
    response = login(world.alice).get(HOME)
    page = text(response)
    assert response.context["side"] == "student"
    assert 'data-widget="my_class"' in page and 'data-widget="my_teachers"' in page
    assert "2nde A" in page
    assert "Lycée Victor-Hugo" in page
    assert "Marc MATHS" in page  # main teacher
    assert "Mathématiques" in page
    assert "123456789AA" in page  # her own INE
    assert "Français" not in page.split('data-widget="my_teachers"')[1].split("</section>")[0]  # 2nde B's subject
    assert 'class="tabs"' not in page  # one side, no tabs


def test_teacher_sees_classes_with_subject_count_and_main_badge(world, login):
    response = login(world.teacher_maths).get(HOME)
    rows = response.context["widgets"][0]["context"]["rows"]
    summary = {(r["audience"].name, r["assignment"].subject.name, r["students"], r["assignment"].is_main_teacher) for r in rows}
    assert summary == {("2nde A", "Mathématiques", 2, True), ("2nde B", "Mathématiques", 1, False)}
    assert "Professeur principal" in text(response)


def test_teacher_who_is_a_parent_has_both_sides(world, login):
    client = login(world.teacher_french)
    response = client.get(HOME)
    page = text(response)
    assert [tab["key"] for tab in response.context["tabs"]] == ["teacher", "guardian"]
    assert 'href="?vue=teacher"' in page and 'href="?vue=guardian"' in page
    assert response.context["side"] == "teacher"
    assert "2nde B" in page

    response = client.get(HOME, {"vue": "guardian"})
    page = text(response)
    assert response.context["side"] == "guardian"
    assert "Bruno FRANÇAIS" in page
    assert "Les professeurs de Bruno" in page
    # the chosen side is remembered
    assert client.get(HOME).context["side"] == "guardian"


def test_a_side_one_does_not_have_is_ignored(world, login):
    response = login(world.alice).get(HOME, {"vue": "staff"})
    assert response.context["side"] == "student"
    assert "Lycée Victor-Hugo" in text(response)
    assert "comptes activés" not in text(response)


def test_tab_switch_through_htmx_returns_the_panel_only(world, login):
    response = login(world.teacher_french).get(
        HOME, {"vue": "guardian"}, headers={"HX-Request": "true", "HX-Target": "side-panel"}
    )
    page = text(response)
    assert "<html" not in page
    assert 'class="tabs"' in page and "Bruno FRANÇAIS" in page


def test_guardian_sees_one_card_per_child_with_the_selected_one_highlighted(world, login):
    client = login(world.alice_mother)
    response = client.get(HOME)
    cards = response.context["widgets"][0]["context"]["children_cards"]
    assert [(c["child"].first_name, c["selected"]) for c in cards] == [("Alice", True), ("Chloé", False)]
    assert {c["enrollment"].school_class.name for c in cards} == {"2nde A", "2nde B"}
    page = text(response)
    assert 'aria-current="true"' in page
    assert "Les professeurs d'Alice" in page  # elision before a vowel
    assert "La classe d'Alice" in page

    session = client.session
    session[SESSION_KEY] = str(world.chloe.public_id)
    session.save()
    response = client.get(HOME)
    cards = response.context["widgets"][0]["context"]["children_cards"]
    assert [(c["child"].first_name, c["selected"]) for c in cards] == [("Alice", False), ("Chloé", True)]
    assert "Les professeurs de Chloé" in text(response)
    assert "Fanny FRANÇAIS" in text(response)


def test_staff_sees_the_establishment_at_a_glance(world, login):
    world.bruno.set_unusable_password()
    world.bruno.save(update_fields=["password"])
    response = login(world.head).get(HOME)
    context = response.context["widgets"][0]["context"]
    (card,) = context["establishment_cards"]
    assert card["establishment"] == world.lycee
    assert (card["students"], card["classes"], card["teachers"]) == (3, 2, 2)
    # head, cpe, secretary, 2 teachers, 3 students, 2 other guardians (fanny is counted once)
    assert card["accounts_total"] == 10
    assert card["accounts_pending"] == 1
    page = text(response)
    for name in ("school:imports", "school:activation_sheets", "school:accounts", "school:audit"):
        assert f'href="{reverse(name)}"' in page
    assert "Akpakpa" not in page


def test_school_life_sees_the_glance_and_the_audit_but_not_account_management(world, login):
    response = login(world.cpe).get(HOME)
    page = text(response)
    assert "comptes activés" in page
    assert f'href="{reverse("school:audit")}"' in page
    for name in ("school:imports", "school:activation_sheets", "school:accounts"):
        assert f'href="{reverse(name)}"' not in page


def test_outsider_sees_only_their_own_establishment(world, login):
    response = login(world.outsider).get(HOME)
    page = text(response)
    assert "6e M1" in page
    assert "2nde A" not in page and "Victor-Hugo" not in page


def test_person_without_any_role_gets_an_explanation(db, login):
    loner = UserFactory(first_name="Lou", last_name="Seul", username="lou.seul")
    response = login(loner).get(HOME)
    assert response.status_code == 200
    assert "aucun établissement" in text(response)


def test_activated_accounts_count_a_signed_in_person_without_password(world, login):
    world.alice.set_unusable_password()
    world.alice.last_login = dt.datetime(2026, 9, 2, tzinfo=dt.UTC)
    world.alice.save(update_fields=["password", "last_login"])
    response = login(world.head).get(HOME)
    (card,) = response.context["widgets"][0]["context"]["establishment_cards"]
    assert card["accounts_pending"] == 0


# --- constant query counts -------------------------------------------------------------------------
SIDES = [
    ("head", {}, 19),  # + the school-life widgets (registers not taken, declarations, watch list)
    ("teacher_maths", {}, 12),
    ("alice", {}, 13),
    ("alice_mother", {}, 15),
    ("teacher_french", {"vue": "guardian"}, 15),
]


@pytest.mark.parametrize(("who", "params", "limit"), SIDES)
def test_home_query_count_is_pinned(world, login, django_assert_max_num_queries, who, params, limit):
    client = login(getattr(world, who))
    client.get(HOME, params)
    with django_assert_max_num_queries(limit):
        assert client.get(HOME, params).status_code == 200


@pytest.mark.parametrize(("who", "params", "_limit"), SIDES)
def test_home_query_count_does_not_grow_with_data(world, login, who, params, _limit):
    client = login(getattr(world, who))
    url = HOME + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
    before = count_queries(client, url)
    add_students(world.seconde_a, 30)
    add_students(world.seconde_b, 5)
    assert count_queries(client, url) == before


def test_every_side_tab_icon_is_in_the_sprite():
    import xml.etree.ElementTree as ET

    from django.contrib.staticfiles import finders

    from carnet.portal.home import SIDE_LABELS

    root = ET.parse(finders.find("ui/icons.svg")).getroot()
    ids = {symbol.get("id") for symbol in root}
    assert all(f"i-{icon}" in ids for _label, icon in SIDE_LABELS.values())
