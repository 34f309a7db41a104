"""The grading profile (head and deputies) and the averages export (staff who read every mark)."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.core.errors import PermissionDenied
from carnet.grades import exports
from carnet.grades.models import GradingProfile
from carnet.grades.policies import GRADES_MANAGERS, GRADES_READERS
from carnet.grades.profiles import profile_for
from carnet.grades.services import settings as service
from carnet.school.models import Establishment, Period, SchoolClass
from carnet.school.roles import roles_of

router = Router(tags=["grades"])


def _establishments(actor, kinds) -> list[int]:
    return [e for e, functions in roles_of(actor).functions.items() if functions & kinds]


def _managed_establishment(actor, public_id: UUID | None) -> Establishment:
    ids = _establishments(actor, GRADES_MANAGERS)
    if public_id is not None:
        return get_object_or_404(Establishment.objects.filter(id__in=ids), public_id=public_id)
    establishment = Establishment.objects.filter(id__in=ids).order_by("name").first()
    if establishment is None:
        raise PermissionDenied()
    return establishment


class Band(Schema):
    min: str = Field(description="Seuil de moyenne annuelle, par exemple « 10 ».")
    label: str = Field(description="La décision, par exemple « Passe ».")


class Component(Schema):
    role: str = Field(description="interrogation, devoir ou other.")
    mode: str = Field("mean", description="mean : une part pour la moyenne du rôle ; each : une part par note.")
    weight: str = "1"


class ProfileOut(Schema):
    establishment: UUID
    version: int = Field(description="À renvoyer tel quel avec PUT : un autre enregistrement entre-temps est refusé (409).")
    formula: str = Field(description="weighted (France), benin ((MI + devoirs) / (1 + n)) ou custom.")
    custom_components: list[Component]
    missing_mark: str = Field(description="skip, zero ou block.")
    not_handed_in: str = Field(description="zero ou skip.")
    ranks_enabled: bool
    annual_rule: str = Field(description="mean ou weighted.")
    annual_weights: list[str]
    decision_bands: list[Band]
    mention_choices: list[str]
    conduct_enabled: bool
    conduct_coefficient: str
    stats_visible_to_families: bool
    daily_publication_time: str | None = Field(description="HH:MM, ou null.")
    guardian_delay_hours: int
    updated_at: dt.datetime


class ProfileIn(Schema):
    version: int
    formula: str | None = None
    custom_components: list[Component] | None = None
    missing_mark: str | None = None
    not_handed_in: str | None = None
    ranks_enabled: bool | None = None
    annual_rule: str | None = None
    annual_weights: list[str] | None = None
    decision_bands: list[Band] | None = None
    mention_choices: list[str] | None = None
    conduct_enabled: bool | None = None
    conduct_coefficient: str | None = None
    stats_visible_to_families: bool | None = None
    daily_publication_time: str | None = Field(None, description="HH:MM ; une chaîne vide enlève l'heure.")
    guardian_delay_hours: int | None = None


def _out(profile: GradingProfile) -> dict[str, Any]:
    return {
        "establishment": profile.establishment.public_id,
        "version": profile.version,
        "formula": profile.formula,
        "custom_components": profile.custom_components or [],
        "missing_mark": profile.missing_mark,
        "not_handed_in": profile.not_handed_in,
        "ranks_enabled": profile.ranks_enabled,
        "annual_rule": profile.annual_rule,
        "annual_weights": [str(w) for w in profile.annual_weights or []],
        "decision_bands": profile.decision_bands or [],
        "mention_choices": profile.mention_choices or [],
        "conduct_enabled": profile.conduct_enabled,
        "conduct_coefficient": f"{profile.conduct_coefficient.normalize():f}",
        "stats_visible_to_families": profile.stats_visible_to_families,
        "daily_publication_time": profile.daily_publication_time.strftime("%H:%M") if profile.daily_publication_time else None,
        "guardian_delay_hours": profile.guardian_delay_hours,
        "updated_at": profile.updated_at,
    }


@router.get(
    "/profile",
    response={200: ProfileOut, **error_responses(401, 403, 404)},
    summary=_("Réglages de calcul des notes"),
    description=_(
        "Le profil de notation de l'établissement (formule, note manquante, rangs, moyenne annuelle, décisions, "
        "mentions, conduite, publication). Pour la direction et ses adjoints ; `establishment` choisit "
        "l'établissement quand on en dirige plusieurs (sinon le premier). Un établissement hors de ce que vous "
        "dirigez répond 404."
    ),
)
def get_profile(request, establishment: UUID | None = None):
    target = _managed_establishment(request.user, establishment)
    profile = profile_for(target)
    profile.establishment = target
    return _out(profile)


@router.put(
    "/profile",
    response={200: ProfileOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Modifier les réglages de calcul des notes"),
    description=_(
        "Seuls les champs fournis changent. `version` est celle lue par GET : si quelqu'un a enregistré entre-temps, "
        "la réponse est 409 `profile_conflict` avec, dans `details`, qui et quand. Chaque champ changé est inscrit "
        "au journal (ancienne et nouvelle valeur)."
    ),
)
def put_profile(request, payload: ProfileIn, establishment: UUID | None = None):
    target = _managed_establishment(request.user, establishment)
    values = payload.dict(exclude_unset=True)
    version = values.pop("version")
    profile, _changes = service.update_profile(actor=request.user, establishment=target, expected_version=version, values=values)
    profile.establishment = target
    return _out(profile)


@router.get(
    "/exports/averages",
    response={200: None, **error_responses(401, 404, 422)},
    summary=_("Exporter les moyennes d'une classe"),
    description=_(
        "Une ligne par élève dans l'ordre de la liste : Matricule, Nom, Prénoms, la moyenne de chaque matière, "
        "Conduite si elle compte, Moyenne générale, Rang si l'établissement calcule les rangs. `format` : csv "
        "(points-virgules, UTF-8 avec BOM, virgule décimale), xlsx (vrais nombres) ou json (nombres en texte, "
        "« 12.50 »). Pour la direction, la vie scolaire et le secrétariat ; une classe hors de leur établissement "
        "répond 404."
    ),
)
def export_averages(request, class_id: UUID = Query(..., alias="class"), period: UUID = Query(...), format: str = "csv"):  # noqa: A002, B008
    ids = _establishments(request.user, GRADES_READERS)
    school_class = get_object_or_404(
        SchoolClass.objects.filter(establishment_id__in=ids, school_year__is_current=True).select_related("establishment"),
        public_id=class_id,
    )
    found_period = get_object_or_404(Period.objects.filter(school_year_id=school_class.school_year_id), public_id=period)
    content, content_type, name = exports.render(format, school_class=school_class, period=found_period)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
