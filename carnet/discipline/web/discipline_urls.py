"""URLs of the discipline part (namespace "discipline"): /discipline/…"""

from django.urls import path

from carnet.discipline.web.pages import catalogue, incidents, measures, students

urlpatterns = [
    path("discipline/", incidents.incident_list, name="home"),
    path("discipline/incidents/nouveau/", incidents.incident_new, name="incident_new"),
    path("discipline/incidents/<uuid:incident_id>/", incidents.incident_detail, name="incident"),
    path("discipline/incidents/<uuid:incident_id>/modifier/", incidents.incident_edit, name="incident_edit"),
    path("discipline/mesures/", measures.measure_list, name="measures"),
    path("discipline/mesures/nouvelle/", measures.measure_new, name="measure_new"),
    path("discipline/mesures/<uuid:measure_id>/", measures.measure_detail, name="measure"),
    path("discipline/catalogue/", catalogue.catalogue, name="catalogue"),
    path("discipline/catalogue/<uuid:type_id>/", catalogue.catalogue_type, name="catalogue_type"),
    path("discipline/reglages/", catalogue.settings_page, name="settings"),
    path("discipline/eleves/<uuid:student_id>/", students.student_page, name="student"),
    path("discipline/famille/", students.family_page, name="family"),
]
