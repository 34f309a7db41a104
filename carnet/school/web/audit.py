"""The audit page (journal): the sensitive changes of an establishment, newest first, for its
administrative staff (`policies.can_read_audit`). Filters by action and by person; old and new
values shown as people read them."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from carnet.audit.selectors import events_for_establishment
from carnet.school import policies
from carnet.school.imports.plan import ACTIONS, ENTITY_LABELS, FIELD_LABELS, count_label
from carnet.school.imports.selectors import can_import_somewhere
from carnet.school.roles import roles_of

PAGE_SIZE = 50
MAX_LIST_ITEMS = 20

ACTION_LABELS = {
    "import.students": _("Import des élèves et responsables"),
    "import.staff": _("Import des personnels"),
    "import.assignments": _("Import des services d'enseignement"),
    "identity.activation_code_issued": _("Code d'activation remis"),
    "identity.activation_codes_issued": _("Fiches d'activation imprimées"),
    "identity.account_deactivated": _("Compte désactivé"),
    "identity.account_reactivated": _("Compte réactivé"),
    "identity.totp_reset": _("Double authentification réinitialisée"),
    "api_token.create": _("Jeton d'API créé"),
    "api_token.revoke": _("Jeton d'API révoqué"),
    "notifications.settings_changed": _("Réglages des notifications modifiés"),
    "profile.contact_changed": _("Coordonnées modifiées"),
    "guardianship.remove": _("Lien de responsabilité retiré"),
    "establishment.staff_totp_required": _("Règle de double authentification modifiée"),
    "establishment.create": _("Établissement créé"),
    "period.update": _("Périodes modifiées"),
    "period.scheme_change": _("Découpage de l'année modifié"),
    "calendar_event.create": _("Date du calendrier ajoutée"),
    "calendar_event.delete": _("Date du calendrier supprimée"),
    "grades.assessment_created": _("Évaluation créée"),
    "grades.assessment_updated": _("Évaluation modifiée"),
    "grades.assessment_deleted": _("Évaluation supprimée"),
    "grades.assessment_published": _("Évaluation publiée"),
    "grades.mark_created": _("Note saisie"),
    "grades.mark_changed": _("Note modifiée"),
    "grades.mark_deleted": _("Note effacée"),
    "grades.appraisal_saved": _("Appréciation enregistrée"),
    "grades.conduct_saved": _("Note de conduite fixée"),
    "grades.council_closed": _("Conseil de classe clos"),
    "grades.council_unlocked": _("Conseil de classe déverrouillé"),
    "grades.council_record_saved": _("Avis du conseil enregistré"),
    "grades.profile_updated": _("Règles de calcul des moyennes modifiées"),
    "grades.coefficient_created": _("Coefficient de matière ajouté"),
    "grades.coefficient_updated": _("Coefficient de matière modifié"),
    "grades.coefficient_deleted": _("Coefficient de matière supprimé"),
    "grades.coefficients_copied": _("Coefficients recopiés de l'année précédente"),
    "grades.kind_created": _("Type d'évaluation ajouté"),
    "grades.kind_updated": _("Type d'évaluation modifié"),
    "grades.kind_deleted": _("Type d'évaluation supprimé"),
    "import.marks": _("Import des notes"),
    "demo.seeded": _("Démo installée"),
    "reportcards.published": _("Bulletins publiés"),
    "reportcards.batch_started": _("Génération de bulletins lancée"),
}

OBJECT_LABELS = {
    "identity.user": _("Personne"),
    "school.importrun": _("Import"),
    "school.establishment": _("Établissement"),
    "school.guardianship": _("Lien élève-responsable"),
    "school.stafffunction": _("Fonction"),
    "school.period": _("Période"),
    "school.schoolyear": _("Année scolaire"),
    "school.calendarevent": _("Date du calendrier"),
    "school.enrollment": _("Inscription"),
    "identity.apitoken": _("Jeton d'API"),
    "grades.assessment": _("Évaluation"),
    "grades.mark": _("Note"),
    "grades.appraisal": _("Appréciation"),
    "grades.conductmark": _("Note de conduite"),
    "grades.classcouncil": _("Conseil de classe"),
    "grades.gradingprofile": _("Règles de calcul"),
    "grades.subjectcoefficient": _("Coefficient"),
    "grades.customassessmentkind": _("Type d'évaluation"),
    "reportcards.reportcard": _("Bulletin"),
    "reportcards.reportcardbatch": _("Génération de bulletins"),
}

EXTRA_FIELD_LABELS = {
    "file_name": _("Fichier"),
    "is_active": _("Compte actif"),
    "sessions_ended": _("Sessions fermées"),
    "totp": _("Double authentification"),
    "expires_at": _("Expire le"),
    "revoked_at": _("Révoqué le"),
    "accounts": _("Comptes"),
    "name": _("Nom"),
    "language": _("Langue"),
    "username": _("Identifiant"),
    "mark": _("Note"),
    "comment": _("Commentaire"),
    "source": _("Origine"),
    "from_year": _("Année d'origine"),
    "rows": _("Lignes"),
    "assessment_kind": _("Type d'évaluation"),
    "marks_deleted": _("Notes supprimées"),
    "reason": _("Motif"),
    "text": _("Texte"),
    "mention": _("Mention"),
    "decision": _("Décision"),
    "status": _("État"),
}

_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def can_read_some_audit(user) -> bool:
    """For the side menu: no query beyond the person's cached roles."""
    return bool(roles_of(user).administrative_establishment_ids)


def field_label(key: str) -> str:
    if key in FIELD_LABELS:
        return str(FIELD_LABELS[key])
    if key in EXTRA_FIELD_LABELS:
        return str(EXTRA_FIELD_LABELS[key])
    entity, _dot, action = key.partition(".")
    if entity in ENTITY_LABELS and action in ACTIONS:
        return count_label(entity, action)
    return key


def readable(value, zone: ZoneInfo) -> str:
    """A stored JSON value as text: dates in the establishment's time, yes/no, lists joined."""
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_("Oui"))
    if value is False:
        return str(_("Non"))
    if isinstance(value, list):
        shown = ", ".join(readable(v, zone) for v in value[:MAX_LIST_ITEMS])
        return shown + (f" … (+{len(value) - MAX_LIST_ITEMS})" if len(value) > MAX_LIST_ITEMS else "")
    if isinstance(value, dict):
        return ", ".join(f"{k} : {readable(v, zone)}" for k, v in value.items())
    if isinstance(value, str):
        try:
            if _ISO_MOMENT.match(value):
                moment = dt.datetime.fromisoformat(value)
                if moment.tzinfo is not None:
                    moment = moment.astimezone(zone)
                return moment.strftime("%d/%m/%Y %H:%M")
            if _ISO_DAY.match(value):
                return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)


def _rows(event, zone) -> list[dict]:
    rows = []
    for key, pair in (event.changes or {}).items():
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        rows.append(
            {"label": field_label(key), "old": readable(old, zone), "new": readable(new, zone), "has_old": old is not None}
        )
    return rows


def _establishment(request):
    establishments = list(policies.administered_establishments(request.user).order_by("name"))
    if not establishments:
        raise PermissionDenied
    chosen = request.GET.get("etablissement")
    if chosen:
        for establishment in establishments:
            if str(establishment.public_id) == chosen:
                break
        else:
            raise Http404
    else:
        establishment = establishments[0]
    policies.ensure_can_read_audit(request.user, establishment)
    return establishment, establishments


@never_cache
def audit(request):
    establishment, establishments = _establishment(request)
    events = events_for_establishment(establishment)
    actions = list(events.order_by("action").values_list("action", flat=True).distinct())
    action = request.GET.get("action", "")
    if action:
        events = events.filter(action=action)
    person = request.GET.get("personne", "").strip()[:100]
    if person:
        events = events.filter(Q(actor_name__icontains=person) | Q(object_repr__icontains=person))
    who = request.GET.get("qui", "")
    who_name = ""
    if who:
        try:
            who_id = uuid.UUID(who)
        except ValueError as exc:
            raise Http404 from exc
        events = events.filter(Q(actor__public_id=who_id) | Q(object_id=str(who_id)))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    try:
        zone = ZoneInfo(establishment.time_zone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    entries = []
    for event in page.object_list:
        if who and not who_name:
            who_name = event.actor_name if event.actor and str(event.actor.public_id) == who else event.object_repr
        entries.append(
            {
                "event": event,
                "action_label": ACTION_LABELS.get(event.action, event.action),
                "object_label": OBJECT_LABELS.get(event.object_type, event.object_type),
                "rows": _rows(event, zone),
            }
        )
    context = {
        "establishment": establishment,
        "establishments": establishments,
        "page": page,
        "entries": entries,
        "actions": [(a, ACTION_LABELS.get(a, a)) for a in actions],
        "action": action,
        "person": person,
        "who": who,
        "who_name": who_name,
        "can_import": can_import_somewhere(request.user),
    }
    template = "school/audit/index.html#results" if request.htmx and not request.htmx.boosted else "school/audit/index.html"
    return render(request, template, context)
