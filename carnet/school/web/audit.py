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
    "discipline.incident_reported": _("Incident signalé"),
    "discipline.incident_updated": _("Incident modifié"),
    "discipline.incident_expired": _("Incident retiré du dossier (conservation échue)"),
    "discipline.measure_decided": _("Punition ou sanction décidée"),
    "discipline.measure_updated": _("Punition ou sanction modifiée"),
    "discipline.measure_expired": _("Punition ou sanction retirée du dossier (conservation échue)"),
    "discipline.type_created": _("Punition ou sanction ajoutée au catalogue"),
    "discipline.type_updated": _("Catalogue des punitions et sanctions modifié"),
    "discipline.type_deleted": _("Punition ou sanction retirée du catalogue"),
    "discipline.settings_changed": _("Réglages de la discipline modifiés"),
    "schoollife.conduct_rule_updated": _("Règle de la note de conduite modifiée"),
    "schoollife.mailing_sent": _("Courrier aux familles envoyé"),
    "import.marks": _("Import des notes"),
    "demo.seeded": _("Démo installée"),
    "reportcards.published": _("Bulletins publiés"),
    "reportcards.batch_started": _("Génération de bulletins lancée"),
    "attendance.settings_updated": _("Réglages des absences modifiés"),
    "attendance.reason_created": _("Motif d'absence ajouté"),
    "attendance.reason_updated": _("Motif d'absence modifié"),
    "attendance.reasons_reordered": _("Motifs d'absence réordonnés"),
    "attendance.rule_created": _("Seuil d'alerte ajouté"),
    "attendance.rule_updated": _("Seuil d'alerte modifié"),
    "attendance.absence_created": _("Absence saisie"),
    "attendance.absence_regularised": _("Absence régularisée"),
    "attendance.lateness_regularised": _("Retard régularisé"),
    "attendance.declaration_accepted": _("Déclaration d'absence acceptée"),
    "attendance.declaration_rejected": _("Déclaration d'absence refusée"),
    "attendance.watch_cleared": _("Élève retiré de la liste des élèves à suivre"),
    "attendance.register_taken": _("Appel fait"),
    "attendance.register_corrected": _("Appel corrigé"),
    "attendance.exemption_created": _("Dispense créée"),
    "attendance.exemption_updated": _("Dispense modifiée"),
    "attendance.exemption_ended": _("Dispense terminée"),
    "attendance.exemption_deleted": _("Dispense supprimée"),
    "timetable.resource_created": _("Salle ou matériel ajouté"),
    "timetable.resource_updated": _("Salle ou matériel modifié"),
    "timetable.booking_rule_changed": _("Règle de validation des réservations modifiée"),
    "timetable.booking_created": _("Réservation faite"),
    "timetable.booking_approved": _("Réservation validée"),
    "timetable.booking_refused": _("Réservation refusée"),
    "timetable.booking_cancelled": _("Réservation annulée"),
    "timetable.slot_created": _("Créneau d'emploi du temps ajouté"),
    "timetable.slot_updated": _("Créneau d'emploi du temps modifié"),
    "timetable.slot_deleted": _("Créneau d'emploi du temps supprimé"),
    "timetable.session_cancelled": _("Séance annulée"),
    "timetable.session_restored": _("Séance rétablie"),
    "timetable.session_moved": _("Séance déplacée"),
    "timetable.session_room_changed": _("Salle d'une séance changée"),
    "timetable.session_replacement": _("Remplacement d'un enseignant"),
    "timetable.session_extra_added": _("Séance supplémentaire ajoutée"),
    "timetable.sessions_generated": _("Séances de l'emploi du temps mises à jour"),
    "timetable.settings_changed": _("Réglages de l'emploi du temps modifiés"),
    "timetable.feed_created": _("Adresse d'agenda créée"),
    "timetable.feed_regenerated": _("Adresse d'agenda renouvelée"),
    "timetable.feed_revoked": _("Adresse d'agenda désactivée"),
    "import.timetable": _("Import de l'emploi du temps"),
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
    "attendance.attendancesettings": _("Réglages des absences"),
    "attendance.absencereason": _("Motif d'absence"),
    "attendance.alertrule": _("Seuil d'alerte"),
    "attendance.absence": _("Absence"),
    "attendance.lateness": _("Retard"),
    "attendance.absencedeclaration": _("Déclaration d'absence"),
    "attendance.watchentry": _("Élève à suivre"),
    "discipline.incident": _("Incident"),
    "discipline.measure": _("Punition ou sanction"),
    "discipline.measuretype": _("Type de punition ou sanction"),
    "discipline.disciplinesettings": _("Réglages de la discipline"),
    "schoollife.conductrule": _("Règle de la note de conduite"),
    "schoollife.mailing": _("Courrier aux familles"),
    "reportcards.reportcard": _("Bulletin"),
    "reportcards.reportcardbatch": _("Génération de bulletins"),
    "attendance.register": _("Appel"),
    "attendance.exemption": _("Dispense"),
    "timetable.resource": _("Salle ou matériel"),
    "timetable.booking": _("Réservation"),
    "timetable.timetablesettings": _("Réglages de l'emploi du temps"),
    "timetable.slot": _("Créneau d'emploi du temps"),
    "timetable.session": _("Séance"),
    "timetable.calendarfeedtoken": _("Adresse d'agenda"),
}

EXTRA_FIELD_LABELS = {
    "occurred_at": _("Quand"),
    "place": _("Lieu"),
    "seriousness": _("Gravité"),
    "description_length": _("Longueur de la description (caractères)"),
    "participants": _("Élèves impliqués (rôle:identifiant)"),
    "measure_type": _("Type de mesure (identifiant)"),
    "category": _("Catégorie"),
    "incident": _("Incident (identifiant)"),
    "decided_on": _("Décidée le"),
    "due_on": _("À faire le"),
    "expires_on": _("Dans le dossier jusqu'au"),
    "reason_length": _("Longueur du motif (caractères)"),
    "follow_up_length": _("Longueur du commentaire de suivi (caractères)"),
    "guardians_see": _("Ce que voient les responsables"),
    "notify_guardians": _("Responsables prévenus"),
    "students_see": _("Les élèves voient leurs mesures"),
    "retention": _("Conservation"),
    "retention_days": _("Conservation (jours)"),
    "retention_years": _("Conservation (années scolaires suivantes)"),
    "conduct_points": _("Points de conduite"),
    "position": _("Rang"),
    "student": _("Élève (identifiant)"),
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
    "absent": _("Absents"),
    "late": _("Retards"),
    "subject": _("Matière"),
    "starts_on": _("Début"),
    "weekdays": _("Jours"),
    "must_attend": _("Présence obligatoire"),
    "certificate": _("Certificat"),
    "capacity": _("Capacité"),
    "bookable": _("Réservable"),
    "needs_approval": _("Soumis à validation"),
    "bookings_need_approval": _("Toutes les réservations validées par le personnel"),
    "resource": _("Salle ou matériel"),
    "booked_on": _("Jour"),
    "start_time": _("Début"),
    "end_time": _("Fin"),
    "purpose": _("Motif"),
    "decision_note": _("Message"),
    "state": _("Régularisation"),
    "half_days": _("Demi-journées"),
    "starts_at": _("Du"),
    "ends_at": _("Au"),
    "label": _("Libellé"),
    "justifies": _("Motif recevable"),
    "threshold": _("Seuil"),
    "window_days": _("Sur (jours)"),
    "afternoon_starts_at": _("Début de l'après-midi"),
    "late_as_absence_minutes": _("Retard compté comme absence au-delà de (minutes)"),
    "notify_guardians_same_day": _("Responsables prévenus le jour même"),
    "register_reminder_minutes": _("Rappel d'appel non fait (minutes)"),
    "correction_same_day_only": _("Appel corrigé le jour même seulement"),
    "order": _("Ordre"),
    "note": _("Réponse"),
    "absences": _("Absences liées"),
    "cleared_at": _("Retiré le"),
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
