"""URLs of the absences part: the school-life pages under /vie-scolaire/, the family pages under
/absences/."""

from django.urls import path

from carnet.attendance.web import (
    absences_declarations,
    absences_family,
    absences_settings,
    absences_staff,
    absences_statistics,
    absences_watch,
)

urlpatterns = [
    path("vie-scolaire/absences/", absences_staff.absences, name="absences"),
    path("vie-scolaire/absences/nouvelle/", absences_staff.absence_new, name="absence_new"),
    path("vie-scolaire/absences/<uuid:absence_id>/", absences_staff.absence, name="absence"),
    path(
        "vie-scolaire/absences/<uuid:absence_id>/contact/",
        absences_staff.absence_contact,
        name="absence_contact",
    ),
    path("vie-scolaire/retards/<uuid:lateness_id>/", absences_staff.lateness, name="lateness"),
    path("vie-scolaire/declarations/", absences_declarations.declarations, name="declarations"),
    path(
        "vie-scolaire/declarations/<uuid:declaration_id>/",
        absences_declarations.declaration,
        name="declaration",
    ),
    path(
        "absences/declarations/<uuid:declaration_id>/justificatif/",
        absences_declarations.declaration_document,
        name="declaration_document",
    ),
    path("vie-scolaire/eleves-a-suivre/", absences_watch.watch, name="watch"),
    path(
        "vie-scolaire/eleves-a-suivre/<uuid:entry_id>/retirer/",
        absences_watch.watch_clear,
        name="watch_clear",
    ),
    path("vie-scolaire/statistiques/", absences_statistics.statistics_page, name="statistics"),
    path("vie-scolaire/reglages/", absences_settings.settings_page, name="absences_settings"),
    path("vie-scolaire/reglages/motifs/", absences_settings.reason_add, name="absences_reason_add"),
    path(
        "vie-scolaire/reglages/motifs/<uuid:reason_id>/",
        absences_settings.reason_change,
        name="absences_reason",
    ),
    path("vie-scolaire/reglages/alertes/", absences_settings.rule_add, name="absences_rule_add"),
    path(
        "vie-scolaire/reglages/alertes/<uuid:rule_id>/", absences_settings.rule_change, name="absences_rule"
    ),
    path("absences/", absences_family.family_absences, name="family_absences"),
    path("absences/declarer/", absences_family.declare, name="declare"),
]
