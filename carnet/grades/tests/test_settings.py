"""The grading settings: the page (profile, coefficients, kinds), its service and the API."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from carnet.audit.models import AuditEvent
from carnet.core.errors import Conflict, PermissionDenied, ValidationFailed
from carnet.grades.models import CustomAssessmentKind, GradingProfile, SubjectCoefficient
from carnet.grades.profiles import profile_for
from carnet.grades.services import settings as service
from carnet.grades.web.settings.forms import ProfileForm
from carnet.school.models import Level, SchoolYear, StaffFunction
from carnet.testing import grades
from carnet.testing.factories import give_function

pytestmark = pytest.mark.django_db
URL = "/notes/reglages/"


def form_data(profile: GradingProfile, **changes) -> dict:
    data = {k: v for k, v in ProfileForm.initial_from(profile).items() if v is not None and v is not False}
    data["conduct_coefficient"] = str(profile.conduct_coefficient).replace(".", ",")
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def outsider_head(world):
    """The outsider also heads the CEG: a head, but of another establishment."""
    give_function(world.outsider, world.ceg, StaffFunction.Kind.HEAD)
    return world.outsider


# --- the page -----------------------------------------------------------------------------------
def test_the_url_and_the_menu_entry(world, login):
    assert reverse("grades:settings") == URL
    html = login(world.head).get(reverse("school:calendar")).content.decode()
    assert "Notes : réglages" in html and "Notes : exports" not in html
    html = login(world.secretary).get(reverse("school:calendar")).content.decode()
    assert "Notes : réglages" not in html and "Notes : exports" in html


def test_the_head_sees_the_profile_with_help(world, login, django_assert_max_num_queries):
    client = login(world.head)
    with django_assert_max_num_queries(30):
        response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Moyenne pondérée des notes (France)" in html
    assert "ramenée sur 20" in html
    assert "Passage" in html  # France's default decision bands


def test_a_teacher_is_refused_and_an_outsider_gets_404(world, login, outsider_head):
    profile = profile_for(world.lycee)
    assert login(world.teacher_maths).get(URL).status_code == 403
    assert login(world.teacher_maths).post(URL, form_data(profile, ranks_enabled="on")).status_code == 403
    assert login(world.secretary).get(URL).status_code == 403
    # The outsider heads the CEG: they see the CEG's settings, never the lycée's.
    assert login(outsider_head).get(URL).status_code == 200
    assert login(outsider_head).get(URL, {"etablissement": str(world.lycee.public_id)}).status_code == 404
    response = login(outsider_head).post(URL, {**form_data(profile, ranks_enabled="on"), "etablissement": str(world.lycee.public_id)})
    assert response.status_code == 404
    profile.refresh_from_db()
    assert not profile.ranks_enabled and profile.version == 1


def test_saving_the_profile_records_old_and_new_values(world, login):
    profile = profile_for(world.lycee)
    response = login(world.head).post(URL, form_data(
        profile, ranks_enabled="on", missing_mark="zero", decision_bands="10 Passe\n8 Rattrapage\n0 Redouble",
        annual_rule="weighted", annual_weights="1 2 2", daily_publication_time="18:00", guardian_delay_hours="24",
    ))

    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.version == 2 and profile.ranks_enabled and profile.missing_mark == "zero"
    assert profile.decision_bands == [{"min": "10", "label": "Passe"}, {"min": "8", "label": "Rattrapage"}, {"min": "0", "label": "Redouble"}]
    assert profile.annual_weights == ["1", "2", "2"] and profile.guardian_delay_hours == 24
    event = AuditEvent.objects.get(action="grades.profile_updated")
    assert event.actor == world.head and event.establishment == world.lycee
    assert event.changes["ranks_enabled"] == [False, True]
    assert event.changes["missing_mark"] == ["skip", "zero"]
    assert event.changes["daily_publication_time"] == [None, "18:00"]


def test_a_second_head_saving_an_old_version_is_refused_with_the_name_of_the_first(world, login):
    deputy = world.cpe
    give_function(deputy, world.lycee, StaffFunction.Kind.DEPUTY)
    profile = profile_for(world.lycee)
    stale = form_data(profile, missing_mark="block")
    login(world.head).post(URL, form_data(profile, ranks_enabled="on"))

    response = login(deputy).post(URL, stale)

    assert response.status_code == 409
    assert "PROVISEUR Hélène a enregistré d&#x27;autres réglages" in response.content.decode()
    profile.refresh_from_db()
    assert profile.missing_mark == "skip" and profile.version == 2
    assert AuditEvent.objects.filter(action="grades.profile_updated").count() == 1


def test_bad_values_are_explained_and_nothing_is_saved(world, login):
    profile = profile_for(world.lycee)
    response = login(world.head).post(URL, form_data(profile, decision_bands="dix Passe", guardian_delay_hours="500",
                                                     formula="custom", custom_components="quiz moyenne 1"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "écrivez le seuil puis la décision" in html
    assert "écrivez le type de notes" in html
    profile.refresh_from_db()
    assert profile.version == 1


def test_a_custom_formula_is_read_from_lines(world, login):
    profile = profile_for(world.lycee)
    login(world.head).post(URL, form_data(profile, formula="custom", custom_components="interrogations moyenne 1\ndevoirs chacun 2"))
    profile.refresh_from_db()
    assert profile.formula == "custom"
    assert profile.custom_components == [{"role": "interrogation", "mode": "mean", "weight": "1"},
                                         {"role": "devoir", "mode": "each", "weight": "2"}]


def test_the_service_refuses_someone_who_does_not_manage_grading(world):
    with pytest.raises(PermissionDenied):
        service.update_profile(actor=world.secretary, establishment=world.lycee, expected_version=1, values={"ranks_enabled": True})


def test_the_service_refuses_bad_values_with_details(world):
    with pytest.raises(ValidationFailed) as error:
        service.update_profile(actor=world.head, establishment=world.lycee, expected_version=1,
                               values={"conduct_coefficient": "0", "formula": "magic", "decision_bands": [{"min": "25", "label": "x"}]})
    assert set(error.value.details) == {"conduct_coefficient", "formula", "decision_bands"}


# --- coefficients -------------------------------------------------------------------------------
def test_adding_changing_and_removing_a_coefficient(world, login):
    client = login(world.head)
    level = Level.objects.get(establishment=world.lycee, name="Seconde")

    response = client.post(reverse("grades:settings_coefficient_add"), {
        "level": str(level.public_id), "subject": str(world.maths.public_id), "coefficient": "4,5",
    })
    assert response.status_code == 302
    row = SubjectCoefficient.objects.get()
    assert row.coefficient == Decimal("4.5") and row.school_year == world.year and not row.is_bonus

    response = client.post(reverse("grades:settings_coefficient", args=[row.public_id]),
                           {"action": "save", "coefficient": "5", "is_bonus": "on"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.coefficient == Decimal("5") and row.is_bonus

    assert "Mathématiques" in client.get(URL).content.decode()
    client.post(reverse("grades:settings_coefficient", args=[row.public_id]), {"action": "delete"})
    assert not SubjectCoefficient.objects.exists()
    assert list(AuditEvent.objects.filter(action__startswith="grades.coefficient").order_by("id").values_list("action", flat=True)) == [
        "grades.coefficient_created", "grades.coefficient_updated", "grades.coefficient_deleted"]


@pytest.mark.parametrize("value", ["0", "-2", "abc"])
def test_a_coefficient_must_be_positive(world, login, value):
    level = Level.objects.get(establishment=world.lycee, name="Seconde")
    response = login(world.head).post(reverse("grades:settings_coefficient_add"), {
        "level": str(level.public_id), "subject": str(world.maths.public_id), "coefficient": value,
    })
    assert response.status_code == 422
    assert not SubjectCoefficient.objects.exists()


def test_a_second_row_for_the_same_subject_and_level_is_refused(world):
    level = Level.objects.get(establishment=world.lycee, name="Seconde")
    service.save_coefficient(actor=world.head, establishment=world.lycee, level=level, subject=world.maths, coefficient=Decimal("4"))
    with pytest.raises(ValidationFailed, match="a déjà un coefficient en Seconde"):
        service.save_coefficient(actor=world.head, establishment=world.lycee, level=level, subject=world.maths, coefficient=Decimal("3"))


def test_copying_last_years_coefficients(world, login):
    level = Level.objects.get(establishment=world.lycee, name="Seconde")
    import datetime as dt

    last = SchoolYear.objects.create(establishment=world.lycee, name="2025-2026", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2026, 7, 4))
    SubjectCoefficient.objects.create(establishment=world.lycee, school_year=last, level=level, subject=world.maths, coefficient=Decimal("4"))
    SubjectCoefficient.objects.create(establishment=world.lycee, school_year=last, level=level, subject=world.french, coefficient=Decimal("3"))
    SubjectCoefficient.objects.create(establishment=world.lycee, school_year=world.year, level=level, subject=world.french, coefficient=Decimal("2"))
    client = login(world.head)
    assert "Copier les coefficients de 2025-2026" in client.get(URL).content.decode()

    client.post(reverse("grades:settings_coefficients_copy"))

    current = {r.subject: r.coefficient for r in SubjectCoefficient.objects.filter(school_year=world.year)}
    assert current == {world.maths: Decimal("4"), world.french: Decimal("2")}
    assert AuditEvent.objects.get(action="grades.coefficients_copied").changes["rows"] == [None, 1]


def test_a_coefficient_row_of_another_establishment_is_404(world, login, outsider_head):
    level = Level.objects.get(establishment=world.lycee, name="Seconde")
    row = SubjectCoefficient.objects.create(establishment=world.lycee, school_year=world.year, level=level, subject=world.maths,
                                            coefficient=Decimal("4"))
    url = reverse("grades:settings_coefficient", args=[row.public_id])
    assert login(outsider_head).post(url, {"action": "delete"}).status_code == 404
    assert login(world.teacher_maths).post(url, {"action": "delete"}).status_code == 404
    assert SubjectCoefficient.objects.exists()


# --- custom kinds -------------------------------------------------------------------------------
def test_adding_renaming_and_deleting_a_kind(world, login):
    client = login(world.head)
    client.post(reverse("grades:settings_kind_add"), {"name": "Exposé", "role": "interrogation"})
    kind = CustomAssessmentKind.objects.get()
    assert kind.establishment == world.lycee

    response = client.post(reverse("grades:settings_kind_add"), {"name": "exposé", "role": "devoir"})
    assert response.status_code == 422 and CustomAssessmentKind.objects.count() == 1

    client.post(reverse("grades:settings_kind", args=[kind.public_id]), {"action": "save", "name": "Contrôle commun", "role": "devoir"})
    kind.refresh_from_db()
    assert (kind.name, kind.role) == ("Contrôle commun", "devoir")

    client.post(reverse("grades:settings_kind", args=[kind.public_id]), {"action": "delete"})
    assert not CustomAssessmentKind.objects.exists()
    assert AuditEvent.objects.filter(action__in=["grades.kind_created", "grades.kind_updated", "grades.kind_deleted"]).count() == 3


def test_a_kind_in_use_cannot_be_deleted(world):
    from carnet.school.models import TeachingAssignment

    kind = service.save_custom_kind(actor=world.head, establishment=world.lycee, name="Exposé", role="interrogation")
    assessment = grades.assessment(TeachingAssignment.objects.get(school_class=world.seconde_a), world.periods[0])
    assessment.custom_kind = kind
    assessment.save(update_fields=["custom_kind"])
    with pytest.raises(Conflict, match="1 évaluation"):
        service.delete_custom_kind(actor=world.head, kind=kind)


# --- API ----------------------------------------------------------------------------------------
def test_the_api_reads_and_writes_the_profile(world, login):
    client = login(world.head)
    data = client.get("/api/v1/grades/profile").json()
    assert data["formula"] == "weighted" and data["version"] == 1 and data["establishment"] == str(world.lycee.public_id)

    response = client.put("/api/v1/grades/profile", json.dumps({"version": 1, "ranks_enabled": True, "conduct_coefficient": "2"}),
                          content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["ranks_enabled"] is True and response.json()["version"] == 2

    stale = client.put("/api/v1/grades/profile", json.dumps({"version": 1, "ranks_enabled": False}), content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "profile_conflict"
    assert stale.json()["details"]["by"] == "PROVISEUR Hélène"

    bad = client.put("/api/v1/grades/profile", json.dumps({"version": 2, "guardian_delay_hours": 999}), content_type="application/json")
    assert bad.status_code == 422 and "guardian_delay_hours" in bad.json()["details"]


def test_the_api_refuses_a_teacher_and_hides_other_establishments(world, login, outsider_head):
    assert login(world.teacher_maths).get("/api/v1/grades/profile").status_code == 403
    response = login(outsider_head).get("/api/v1/grades/profile", {"establishment": str(world.lycee.public_id)})
    assert response.status_code == 404
    put = login(outsider_head).put(f"/api/v1/grades/profile?establishment={world.lycee.public_id}",
                                   json.dumps({"version": 1, "ranks_enabled": True}), content_type="application/json")
    assert put.status_code == 404
    assert not profile_for(world.lycee).ranks_enabled
