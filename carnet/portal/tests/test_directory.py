"""The directory: scope, accent-insensitive search, role labels, contact details, htmx, pages."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from carnet.portal.directory import describe, search_people
from carnet.portal.tests.helpers import add_students, count_queries

DIRECTORY = reverse("portal:directory")


def names(response) -> set[str]:
    return {card.person.username for card in response.context["cards"]}


def labels(viewer, person) -> list[str]:
    return [label.text for label in describe(viewer, [person])[0].labels]


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_anonymous_is_sent_to_sign_in(client, world):
    assert client.get(DIRECTORY).status_code == 302


def test_outsider_never_finds_people_of_the_other_establishment(world, login):
    client = login(world.outsider)
    for query in ("martin", "proviseur", "durand", "maths", ""):
        found = names(client.get(DIRECTORY, {"q": query}))
        assert not found & {"alice.martin", "helene.proviseur", "chloe.durand", "marc.maths", "anne.martin"}
    assert "koffi.dossou" in names(client.get(DIRECTORY, {"q": "dossou"}))


def test_staff_never_finds_people_of_the_other_establishment(world, login):
    assert names(login(world.head).get(DIRECTORY, {"q": "dossou"})) == set()


def test_student_finds_classmates_and_staff_but_not_other_classes(world, login):
    client = login(world.alice)
    found = names(client.get(DIRECTORY))
    assert {"bruno.francais", "marc.maths", "helene.proviseur", "alice.martin"} <= found
    assert "chloe.durand" not in found
    assert "anne.martin" not in found and "charles.durand" not in found  # guardians
    assert names(client.get(DIRECTORY, {"q": "chloe"})) == set()


def test_search_ignores_accents_and_case(world, login):
    client = login(world.head)
    assert names(client.get(DIRECTORY, {"q": "chloe"})) == {"chloe.durand"}
    assert names(client.get(DIRECTORY, {"q": "CHLOÉ"})) == {"chloe.durand"}
    assert names(client.get(DIRECTORY, {"q": "durand chlo"})) == {"chloe.durand"}
    assert "helene.proviseur" in names(client.get(DIRECTORY, {"q": "hélène"}))
    assert "helene.proviseur" in names(client.get(DIRECTORY, {"q": "HELENE"}))
    assert names(client.get(DIRECTORY, {"q": "fanny.francais"})) == {"fanny.francais"}  # identifier


def test_search_people_needs_every_word(world):
    assert list(search_people(world.head, "martin anne")) == [world.alice_mother]


def test_role_labels(world):
    head = world.head
    assert labels(head, world.teacher_maths) == ["Enseignant · Mathématiques (2nde A, 2nde B)"]
    assert labels(head, world.alice) == ["Élève · 2nde A"]
    assert labels(head, world.chloe_father) == ["Responsable de Chloé DURAND"]
    assert labels(head, world.alice_mother) == ["Responsable d'Alice MARTIN et Chloé DURAND"]
    assert labels(head, world.cpe) == ["CPE"]
    assert labels(head, world.head) == ["Chef d'établissement"]
    assert labels(head, world.teacher_french) == ["Enseignant · Français (2nde B)", "Responsable de Bruno FRANÇAIS"]


def test_role_labels_follow_the_country_and_sex(world):
    world.teacher_maths.sex = "F"
    world.teacher_maths.save(update_fields=["sex"])
    assert labels(world.head, world.teacher_maths) == ["Enseignante · Mathématiques (2nde A, 2nde B)"]
    from carnet.testing.factories import UserFactory, give_function

    surveillant = UserFactory(first_name="Paul", last_name="Houngbo", username="paul.houngbo")
    give_function(surveillant, world.ceg, "school_life")
    assert labels(world.outsider, surveillant) == ["Surveillant général"]


def test_guardian_label_names_only_children_the_viewer_may_see(world):
    # Fanny teaches 2nde B (Chloé), not Alice: Anne is shown as Chloé's guardian only.
    assert labels(world.teacher_french, world.alice_mother) == ["Responsable de Chloé DURAND"]


def test_labels_of_a_page_take_a_constant_number_of_queries(world, django_assert_num_queries):
    people = list(search_people(world.head))
    with django_assert_num_queries(4):
        describe(world.head, people)


def test_pupils_never_see_contact_details_of_other_pupils(world, login):
    response = login(world.alice).get(DIRECTORY, {"q": "bruno"})
    assert names(response) == {"bruno.francais"}
    page = text(response)
    assert world.bruno.email not in page
    assert not response.context["cards"][0].show_contact


def test_staff_see_contact_details(world, login):
    page = text(login(world.head).get(DIRECTORY, {"q": "martin"}))
    assert world.alice_mother.email in page
    assert "+33 6 12 34 56 78" in page
    assert world.alice.email in page


def test_teachers_see_guardians_contact_details_but_not_students(world, login):
    response = login(world.teacher_maths).get(DIRECTORY, {"q": "martin"})
    cards = {card.person.username: card for card in response.context["cards"]}
    assert cards["anne.martin"].show_contact
    assert not cards["alice.martin"].show_contact
    assert world.alice.email not in text(response)


def test_guardians_see_no_contact_details(world, login):
    response = login(world.alice_mother).get(DIRECTORY)
    assert response.context["cards"]
    assert not any(card.show_contact for card in response.context["cards"])


def test_htmx_search_returns_the_results_partial(world, login):
    response = login(world.head).get(
        DIRECTORY, {"q": "chlo"}, headers={"HX-Request": "true", "HX-Target": "directory-results"}
    )
    page = text(response)
    assert "<html" not in page
    assert "DURAND Chloé" in page
    assert 'hx-swap-oob="innerHTML"' in page and "1 personne trouvée" in page


def test_htmx_history_restore_gets_the_whole_page(world, login):
    response = login(world.head).get(
        DIRECTORY,
        {"q": "chlo"},
        headers={"HX-Request": "true", "HX-Target": "directory-results", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


def test_search_works_without_javascript(world, login):
    page = text(login(world.head).get(DIRECTORY, {"q": "chlo"}))
    assert 'method="get"' in page and 'role="search"' in page
    assert 'name="q" value="chlo"' in page
    assert "DURAND Chloé" in page


def test_no_match_shows_an_empty_state(world, login):
    page = text(login(world.head).get(DIRECTORY, {"q": "zzzz"}))
    assert "Personne ne correspond à « zzzz »" in page
    assert "empty-state" in page


def test_pages_of_25_keep_the_query(world, login):
    add_students(world.seconde_a, 30, with_guardians=False)
    client = login(world.head)
    first = client.get(DIRECTORY, {"q": "volume"})
    assert len(first.context["cards"]) == 25
    assert first.context["page"].paginator.count == 30
    assert "?q=volume&amp;page=2" in first.content.decode()
    second = client.get(DIRECTORY, {"q": "volume", "page": 2})
    assert len(second.context["cards"]) == 5
    assert client.get(DIRECTORY, {"q": "volume", "page": "abc"}).status_code == 200


@pytest.mark.parametrize("who", ["head", "teacher_maths", "alice", "alice_mother"])
def test_directory_query_count_is_pinned_and_does_not_grow(world, login, django_assert_max_num_queries, who):
    client = login(getattr(world, who))
    client.get(DIRECTORY)
    with django_assert_max_num_queries(16):
        client.get(DIRECTORY)
    before = count_queries(client, DIRECTORY)
    add_students(world.seconde_a, 30)
    assert count_queries(client, DIRECTORY) == before
