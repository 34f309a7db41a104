"""/etablissement/annee/: school year, evaluation periods and holiday calendar (views in `calendar.py`)."""

from django.urls import path

from carnet.school.web import calendar

urlpatterns = [
    path("", calendar.calendar, name="calendar"),
    path("<uuid:year_id>/periodes/", calendar.periods_update, name="calendar_periods"),
    path("<uuid:year_id>/decoupage/", calendar.scheme_change, name="calendar_scheme"),
    path("<uuid:year_id>/evenements/", calendar.event_add, name="calendar_event_add"),
    path("evenements/<uuid:event_id>/supprimer/", calendar.event_delete, name="calendar_event_delete"),
]
