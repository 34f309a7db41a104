"""The discipline pages: each with the person allowed, the one refused (and nothing changed), the
outsider of the other establishment (404), the bad input of the forms, the stale version, and the
query count of the lists."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from carnet.discipline.models import DisciplineSettings, Incident, Measure, MeasureType
from carnet.discipline.services import catalogue
from carnet.discipline.tests.helpers import TODAY, decide, report, types_of
from carnet.school.models import StaffFunction
from carnet.testing.factories import UserFactory, enroll, give_function, guard

pytestmark = pytest.mark.django_db

HOME = "/discipline/"
MEASURES = "/discipline/mesures/"
NEW_INCIDENT = "/discipline/incidents/nouveau/"
NEW_MEASURE = "/discipline/mesures/nouvelle/"
CATALOGUE = "/discipline/catalogue/"
SETTINGS = "/discipline/reglages/"
FAMILY = "/discipline/famille/"


@pytest.fixture
def outsider_head(world):
    """The outsider also heads the CEG: discipline staff, but of another establishment."""
    give_function(world.outsider, world.ceg, StaffFunction.Kind.HEAD)
    return world.outsider


@pytest.fixture
def fight(world):
    return report(
        world.teacher_french,
        world.lycee,
        participants=[
            (world.alice, "author"),
            (world.chloe, "victim"),
            (world.bruno, "witness"),
        ],
        description="Alice a poussé Chloé dans l'escalier.",
    )


@pytest.fixture
def retenue(world, fight):
    return decide(
        world.teacher_maths,
        world.alice,
        "Retenue",
        world.lycee,
        incident=fight,
        reason="Violence envers une camarade.",
    )


def html(response) -> str:
    return response.content.decode()


def test_the_urls_and_the_menu_entries(world, login):
    assert reverse("discipline:home") == HOME and reverse("discipline:family") == FAMILY
    for person in (world.cpe, world.teacher_maths, world.head):
        page = html(login(person).get("/"))
        assert "Discipline" in page and f'href="{HOME}"' in page
    for person in (world.alice, world.alice_mother):
        page = html(login(person).get("/"))
        assert f'href="{HOME}"' not in page and f'href="{FAMILY}"' in page
    page = html(login(world.secretary).get("/"))
    assert f'href="{HOME}"' not in page and f'href="{FAMILY}"' not in page


# --- incidents --------------------------------------------------------------------------------------
def test_the_incident_list_by_person(world, login, fight, outsider_head):
    theft = report(
        world.cpe,
        world.lycee,
        participants=[(world.chloe, "victim")],
        description="Vol d'un téléphone.",
        place="Vestiaire",
    )
    page = html(login(world.cpe).get(HOME))
    assert "2 incidents" in page and "Vestiaire" in page and "DURAND Chloé" in page
    page = html(login(world.teacher_maths).get(HOME))  # the fight (Alice is his student), not the theft
    assert "1 incident" in page and "Vestiaire" not in page and "MARTIN Alice" in page
    for person in (world.alice, world.alice_mother, world.secretary):
        assert login(person).get(HOME).status_code == 403
    # The outsider heads the CEG: its list is empty, the lycée's is 404.
    assert "Aucun incident" in html(login(outsider_head).get(HOME))
    assert login(outsider_head).get(HOME, {"etablissement": str(world.lycee.public_id)}).status_code == 404
    assert theft.pk


def test_the_incident_list_filters_and_its_htmx_fragment(world, login, fight):
    client = login(world.cpe)
    page = html(
        client.get(HOME, {"classe": str(world.seconde_a.public_id), "gravite": "2", "du": "2026-11-01"})
    )
    assert "1 incident" in page
    fragment = client.get(HOME, {"gravite": "4"}, HTTP_HX_REQUEST="true")
    assert "0 incident" in html(fragment) and "<html" not in html(fragment)
    assert client.get(HOME, {"classe": str(uuid.uuid4())}).status_code == 404
    assert client.get(HOME, {"eleve": str(world.dossou.public_id)}).status_code == 404
    assert "1 incident" in html(client.get(HOME, {"eleve": str(world.bruno.public_id)}))


def test_the_incident_list_has_a_constant_query_count(world, login, django_assert_max_num_queries):
    client = login(world.teacher_maths)
    client.get(HOME)
    for n in range(12):
        incident = report(
            world.cpe,
            world.lycee,
            participants=[(world.alice, "author"), (world.chloe, "victim")],
            place=f"Salle {n}",
        )
        decide(world.cpe, world.alice, "Retenue", world.lycee, incident=incident)
    with django_assert_max_num_queries(16):
        response = client.get(HOME)
    assert "12 incidents" in html(response)


def _incident_form(picker_label: str, **changes) -> dict:
    data = {
        "occurred_on": "2026-11-30",
        "occurred_time": "08:40",
        "place": "Salle B12",
        "seriousness": "2",
        "description": "A jeté une trousse sur un camarade.",
        "lignes": "3",
        "eleve-0": picker_label,
        "role-0": "author",
        "eleve-1": "",
        "role-1": "author",
        "eleve-2": "",
        "role-2": "author",
    }
    data.update(changes)
    return data


def test_a_teacher_reports_an_incident_on_the_form(world, login):
    client = login(world.teacher_maths)
    page = html(client.get(NEW_INCIDENT))
    assert '<datalist id="discipline-students">' in page and "MARTIN Alice — 2nde A" in page
    assert "DOSSOU Koffi" not in page  # the CEG's students are not offered
    response = client.post(
        NEW_INCIDENT,
        _incident_form("MARTIN Alice — 2nde A", **{"eleve-1": "durand chloé", "role-1": "victim"}),
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert response["Location"] == f"/discipline/incidents/{incident.public_id}/"
    assert {(p.student, p.role) for p in incident.participants.all()} == {
        (world.alice, "author"),
        (world.chloe, "victim"),
    }
    assert incident.occurred_at.isoformat() == "2026-11-30T07:40:00+00:00"


@pytest.mark.parametrize(
    ("label", "changes", "message"),
    [
        (
            "DOSSOU Koffi — 6e M1",
            {},
            "n&#x27;est pas un élève de l&#x27;établissement",
        ),  # another establishment
        ("MARTIN Alice — 2nde A", {"description": "   "}, "Ce champ est obligatoire"),
        ("MARTIN Alice — 2nde A", {"occurred_on": "2026-12-24"}, "ne peut pas être dans le futur"),
        ("MARTIN Alice — 2nde A", {"seriousness": "9"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_incident_input_is_explained_and_nothing_is_saved(world, login, label, changes, message):
    response = login(world.cpe).post(NEW_INCIDENT, _incident_form(label, **changes))
    assert response.status_code == 422
    assert message in html(response)
    assert not Incident.objects.exists()


def test_more_participant_rows_keep_what_was_typed(world, login):
    response = login(world.cpe).post(NEW_INCIDENT, _incident_form("MARTIN Alice — 2nde A", ajouter="1"))
    page = html(response)
    assert (
        response.status_code == 200 and 'name="eleve-5"' in page and 'value="MARTIN Alice — 2nde A"' in page
    )
    assert not Incident.objects.exists()


def test_the_incident_page_by_person(world, login, fight, retenue, outsider_head):
    url = f"/discipline/incidents/{fight.public_id}/"
    page = html(login(world.cpe).get(url))
    assert (
        "Alice a poussé Chloé" in page
        and "BRUNO" not in page
        and "FRANÇAIS Bruno" in page
        and "Retenue" in page
    )
    assert "Décider une mesure" in page
    page = html(login(world.teacher_maths).get(url))
    assert "MARTIN Alice" in page and "Modifier" not in page
    # A teacher who teaches only Chloé (a victim here) does not see the incident.
    newcomer = UserFactory(first_name="Paul", last_name="Physique", username="paul.physique")
    from carnet.testing.factories import SubjectFactory, assign

    assign(newcomer, world.seconde_b, SubjectFactory(establishment=world.lycee, name="Physique"))
    for person in (
        newcomer,
        world.alice,
        world.alice_mother,
        world.chloe_father,
        world.secretary,
        outsider_head,
    ):
        assert login(person).get(url).status_code == 404
    assert login(world.cpe).get(f"/discipline/incidents/{uuid.uuid4()}/").status_code == 404


def test_editing_an_incident_with_its_version(world, login, fight, outsider_head):
    url = f"/discipline/incidents/{fight.public_id}/modifier/"
    page = html(login(world.teacher_french).get(url))
    assert 'value="MARTIN Alice — 2nde A"' in page and 'name="version"' in page
    data = _incident_form(
        "MARTIN Alice — 2nde A",
        version="1",
        place="Escalier B",
        **{
            "eleve-1": "DURAND Chloé — 2nde B",
            "role-1": "victim",
            "occurred_on": "2026-11-27",
            "occurred_time": "10:15",
        },
    )
    # Marc sees the incident but did not report it; the outsider does not see it.
    assert login(world.teacher_maths).post(url, data).status_code == 403
    assert login(outsider_head).post(url, data).status_code == 404
    fight.refresh_from_db()
    assert fight.version == 1
    assert login(world.teacher_french).post(url, data).status_code == 302
    fight.refresh_from_db()
    assert (fight.place, fight.version, fight.participants.count()) == ("Escalier B", 2, 2)
    stale = login(world.cpe).post(url, {**data, "place": "Cantine"})
    assert stale.status_code == 409
    assert "Quelqu&#x27;un a modifié cet incident" in html(stale) and 'value="Escalier B"' in html(stale)
    fight.refresh_from_db()
    assert fight.place == "Escalier B"


# --- measures ---------------------------------------------------------------------------------------
def test_the_measure_list_by_person(world, login, retenue, outsider_head):
    decide(world.cpe, world.chloe, "Devoir supplémentaire", world.lycee)
    page = html(login(world.cpe).get(MEASURES))
    assert "2 mesures" in page and "Devoir supplémentaire" in page and "4 juillet 2027" in page
    page = html(login(world.teacher_french).get(MEASURES))  # Chloé's, not Alice's
    assert "1 mesure" in page and "Devoir supplémentaire" in page and "MARTIN Alice" not in page
    page = html(login(world.cpe).get(MEASURES, {"type": "sanction"}))
    assert "0 mesure" in page and "Aucune punition ni sanction ne correspond" in page
    for person in (world.alice, world.alice_mother):
        assert login(person).get(MEASURES).status_code == 403
    assert (
        login(outsider_head).get(MEASURES, {"etablissement": str(world.lycee.public_id)}).status_code == 404
    )


def test_the_measure_list_has_a_constant_query_count(world, login, django_assert_max_num_queries):
    client = login(world.cpe)
    client.get(MEASURES)
    for _ in range(10):
        incident = report(world.cpe, world.lycee, participants=[(world.alice, "author")])
        decide(world.cpe, world.alice, "Retenue", world.lycee, incident=incident)
        decide(world.head, world.bruno, "Avertissement", world.lycee)
    with django_assert_max_num_queries(16):
        response = client.get(MEASURES)
    assert "20 mesures" in html(response)


def _measure_form(world, type_name: str, student: str = "MARTIN Alice — 2nde A", **changes) -> dict:
    data = {
        "student": student,
        "measure_type": str(types_of(world.lycee)[type_name].public_id),
        "reason": "Bavardages répétés.",
        "decided_on": TODAY.isoformat(),
        "due_on": "",
    }
    data.update(changes)
    return data


def test_a_teacher_punishes_on_the_form_and_only_punishments_are_offered(world, login):
    client = login(world.teacher_maths)
    page = html(client.get(NEW_MEASURE))
    assert 'label="Punition scolaire"' in page and "Blâme" not in page and "DURAND Chloé — 2nde B" in page
    response = client.post(NEW_MEASURE, _measure_form(world, "Retenue", due_on="2026-12-02"))
    measure = Measure.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/discipline/mesures/{measure.public_id}/"
    assert (measure.student, measure.due_on, measure.decided_by) == (
        world.alice,
        dt.date(2026, 12, 2),
        world.teacher_maths,
    )


def test_a_sanction_by_a_teacher_is_refused_and_nothing_is_saved(world, login):
    response = login(world.teacher_maths).post(NEW_MEASURE, _measure_form(world, "Blâme"))
    assert response.status_code == 403
    assert "chef d&#x27;établissement" in html(response)
    assert not Measure.objects.exists()
    assert login(world.head).post(NEW_MEASURE, _measure_form(world, "Blâme")).status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"measure_type": str(uuid.uuid4())}, "Sélectionnez un choix valide"),
        ({"student": "DOSSOU Koffi — 6e M1"}, "Choisissez un élève dans la liste"),
        ({"reason": ""}, "Ce champ est obligatoire"),
        ({"decided_on": "2026-12-25"}, "ne peut pas être décidée dans le futur"),
    ],
)
def test_bad_measure_input_is_explained_and_nothing_is_saved(world, login, changes, message):
    response = login(world.cpe).post(NEW_MEASURE, _measure_form(world, "Retenue", **changes))
    assert response.status_code == 422
    assert message in html(response)
    assert not Measure.objects.exists()


def test_a_type_of_another_establishment_is_unknown(world, login):
    ceg_type = types_of(world.ceg)["Retenue"]
    response = login(world.cpe).post(
        NEW_MEASURE, _measure_form(world, "Retenue", measure_type=str(ceg_type.public_id))
    )
    assert response.status_code == 422 and not Measure.objects.exists()


def test_a_measure_from_an_incident_offers_its_students(world, login, fight, outsider_head):
    url = f"{NEW_MEASURE}?incident={fight.public_id}&eleve={world.alice.public_id}"
    page = html(login(world.teacher_maths).get(url))
    assert f'<option value="{world.alice.public_id}" selected>' in page
    assert "<datalist" not in page
    response = login(world.teacher_maths).post(
        NEW_MEASURE,
        {
            **_measure_form(world, "Retenue", student=str(world.alice.public_id)),
            "incident": str(fight.public_id),
        },
    )
    assert response.status_code == 302 and Measure.objects.get().incident == fight
    assert login(outsider_head).get(url).status_code == 404
    assert login(world.alice_mother).get(url).status_code == 404


def test_the_measure_page_and_its_follow_up(world, login, retenue, outsider_head):
    url = f"/discipline/mesures/{retenue.public_id}/"
    page = html(login(world.cpe).get(url))
    assert (
        "Retenue pour MARTIN Alice" in page
        and "jusqu'au 4 juillet 2027 inclus" in page
        and "Mettre à jour le suivi" in page
    )
    data = {"status": "done", "due_on": "", "follow_up": "Faite.", "reason": retenue.reason, "version": "1"}
    for person in (world.teacher_french, world.alice, world.alice_mother, world.chloe_father, outsider_head):
        assert login(person).get(url).status_code == 404
        assert login(person).post(url, data).status_code == 404
    retenue.refresh_from_db()
    assert retenue.version == 1
    assert login(world.teacher_maths).post(url, data).status_code == 302
    retenue.refresh_from_db()
    assert (retenue.status, retenue.follow_up, retenue.version) == ("done", "Faite.", 2)
    stale = login(world.cpe).post(url, {**data, "status": "not_done"})
    assert stale.status_code == 409 and "Quelqu&#x27;un a modifié cette mesure" in html(stale)
    retenue.refresh_from_db()
    assert retenue.status == "done"


def test_a_teacher_reads_a_sanction_of_their_student_without_changing_it(world, login):
    blame = decide(world.head, world.alice, "Blâme", world.lycee)
    url = f"/discipline/mesures/{blame.public_id}/"
    page = html(login(world.teacher_maths).get(url))
    assert "Blâme pour MARTIN Alice" in page and "Mettre à jour le suivi" not in page
    assert login(world.teacher_maths).post(url, {"status": "cancelled", "version": "1"}).status_code == 403
    blame.refresh_from_db()
    assert blame.status == "decided"


# --- catalogue and settings ---------------------------------------------------------------------------
def test_the_catalogue_page(world, login, outsider_head, django_assert_max_num_queries):
    client = login(world.cpe)
    client.get(CATALOGUE)
    with django_assert_max_num_queries(14):
        page = html(client.get(CATALOGUE))
    assert "Exclusion temporaire de l&#x27;établissement" in page and "Punitions scolaires" in page
    assert (
        "la fin de la 2e année scolaire suivante" in page
        and "la fin de l&#x27;année scolaire suivante" in page
    )
    response = client.post(
        CATALOGUE,
        {
            "category": "punishment",
            "name": "Travail d'intérêt scolaire",
            "retention": "year_end",
            "conduct_points": "0",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert MeasureType.objects.filter(establishment=world.lycee, name="Travail d'intérêt scolaire").exists()
    response = client.post(CATALOGUE, {"category": "sanction", "name": "Blâme", "retention": "year_end"})
    assert response.status_code == 422 and "déjà au catalogue" in html(response)
    for person in (world.teacher_maths, world.secretary, world.alice):
        assert login(person).get(CATALOGUE).status_code == 403
    assert (
        login(outsider_head).get(CATALOGUE, {"etablissement": str(world.lycee.public_id)}).status_code == 404
    )
    assert MeasureType.objects.filter(establishment=world.lycee).count() == 11


def test_changing_and_deleting_a_type_on_the_catalogue_page(world, login, outsider_head):
    blame = types_of(world.lycee)["Blâme"]
    url = f"/discipline/catalogue/{blame.public_id}/"
    data = {
        "category": "sanction",
        "name": "Blâme",
        "retention": "days",
        "retention_days": "365",
        "conduct_points": "0",
        "is_active": "on",
    }
    assert login(world.teacher_maths).post(url, data).status_code == 404
    assert login(outsider_head).post(url, data).status_code == 404
    blame.refresh_from_db()
    assert blame.retention == "years_end"
    assert login(world.cpe).post(url, data).status_code == 302
    blame.refresh_from_db()
    assert (blame.retention, blame.retention_days) == ("days", 365)
    bad = login(world.cpe).post(url, {**data, "retention_days": ""})
    assert bad.status_code == 422 and "Un nombre de jours" in html(bad)
    decide(world.head, world.alice, "Blâme", world.lycee)
    response = login(world.cpe).post(url, {"action": "delete"}, follow=True)
    assert "retirez-le du catalogue" in html(response)
    assert MeasureType.objects.filter(pk=blame.pk).exists()


def test_the_settings_page(world, login, outsider_head):
    client = login(world.cpe)
    page = html(client.get(SETTINGS))
    assert "Les mesures et les incidents qui les motivent" in page
    assert client.post(SETTINGS, {"guardians_see": "sanctions", "students_see": "on"}).status_code == 302
    settings = DisciplineSettings.objects.get(establishment=world.lycee)
    assert (settings.guardians_see, settings.notify_guardians, settings.students_see) == (
        "sanctions",
        False,
        True,
    )
    assert client.post(SETTINGS, {"guardians_see": "everything"}).status_code == 422
    for person in (world.teacher_maths, world.alice_mother):
        assert login(person).post(SETTINGS, {"guardians_see": "all"}).status_code == 403
    assert (
        login(outsider_head)
        .post(SETTINGS, {"guardians_see": "all", "etablissement": str(world.lycee.public_id)})
        .status_code
        == 404
    )
    settings.refresh_from_db()
    assert settings.guardians_see == "sanctions"


# --- a student's record -------------------------------------------------------------------------------
def test_the_student_page_by_person(world, login, retenue, outsider_head):
    url = f"/discipline/eleves/{world.alice.public_id}/"
    page = html(login(world.cpe).get(url))
    assert "MARTIN Alice" in page and "Retenue" in page and "Violence envers une camarade." in page
    assert "Décider une mesure" in page
    assert "Retenue" in html(login(world.teacher_maths).get(url))
    for person in (world.teacher_french, world.alice, world.alice_mother, world.chloe_father, outsider_head):
        assert login(person).get(url).status_code == 404


# --- families -----------------------------------------------------------------------------------------
def test_the_family_page_follows_the_settings_and_never_names_other_students(
    world, login, retenue, django_assert_max_num_queries
):
    decide(world.head, world.alice, "Blâme", world.lycee, incident=retenue.incident)
    client = login(world.alice_mother)
    page = html(client.get(FAMILY, {"child": str(world.alice.public_id)}))
    assert "Alice : punitions et sanctions" in page and "Retenue" in page and "Blâme" in page
    assert "Violence envers une camarade." in page and "Alice a poussé" not in page
    catalogue.update_settings(actor=world.head, establishment=world.lycee, guardians_see="all")
    with django_assert_max_num_queries(16):
        page = html(client.get(FAMILY, {"child": str(world.alice.public_id)}))
    assert "Alice a poussé Chloé dans l&#x27;escalier." in page and "rôle : auteur" in page
    assert (
        "DURAND" not in page and "FRANÇAIS Bruno" not in page
    )  # the description is the staff's text; no names listed
    catalogue.update_settings(actor=world.head, establishment=world.lycee, guardians_see="sanctions")
    page = html(client.get(FAMILY, {"child": str(world.alice.public_id)}))
    assert "Blâme" in page and "Retenue" not in page
    catalogue.update_settings(actor=world.head, establishment=world.lycee, guardians_see="nothing")
    page = html(client.get(FAMILY, {"child": str(world.alice.public_id)}))
    assert "Blâme" not in page and "ne communique pas" in page


def test_the_family_page_for_the_student_and_other_people(world, login, retenue):
    assert "Mes punitions et sanctions" in html(login(world.alice).get(FAMILY))
    assert "Retenue" in html(login(world.alice).get(FAMILY))
    catalogue.update_settings(actor=world.head, establishment=world.lycee, students_see=False)
    page = html(login(world.alice).get(FAMILY))
    assert "Retenue" not in page and "ne communique pas" in page
    # Another guardian, someone's child that is not theirs, a person with no family side: 404.
    assert login(world.chloe_father).get(FAMILY, {"child": str(world.alice.public_id)}).status_code == 404
    assert login(world.cpe).get(FAMILY).status_code == 404
    assert login(world.outsider).get(FAMILY).status_code == 404
    # Chloé's page, for her father, holds nothing of Alice's.
    assert "Retenue" not in html(login(world.chloe_father).get(FAMILY))


def test_a_guardian_with_two_children_switches_between_them(world, login, retenue):
    client = login(world.alice_mother)
    page = html(client.get(FAMILY, {"child": str(world.chloe.public_id)}))
    assert f'href="{FAMILY}?child={world.alice.public_id}"' in page and "Retenue" not in page
    assert "Retenue" not in html(client.get(FAMILY))  # Chloé is remembered
    assert "Retenue" in html(client.get(FAMILY, {"child": str(world.alice.public_id)}))


def test_a_student_enrolled_in_both_sides_is_shown_in_their_own_establishment(world, login):
    # A CEG student with a guardian there: the family page follows the CEG's settings.
    other = UserFactory(first_name="Awa", last_name="Houngbo", username="awa.houngbo")
    enroll(other, world.sixieme)
    guard(world.dossou_parent, other, world.ceg)
    give_function(world.outsider, world.ceg, StaffFunction.Kind.HEAD)
    decide(world.outsider, other, "Retenue", world.ceg)
    page = html(login(world.dossou_parent).get(FAMILY, {"child": str(other.public_id)}))
    assert "Retenue" in page and "CEG Akpakpa" in page
