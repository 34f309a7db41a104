"""URLs of the record part: the students list, a student's record, the conduct suggestions."""

from django.urls import path

from carnet.schoollife.web import record_views as views

urlpatterns: list = [
    path("vie-scolaire/", views.home, name="home"),
    path("vie-scolaire/eleves/<uuid:student_id>/", views.record, name="record"),
    path("vie-scolaire/conduite/", views.conduct_home, name="conduct_home"),
    path("vie-scolaire/conduite/regle/", views.conduct_rule, name="conduct_rule"),
    path(
        "vie-scolaire/conduite/<uuid:class_id>/<uuid:period_id>/", views.conduct_class, name="conduct_class"
    ),
    path(
        "vie-scolaire/conduite/<uuid:class_id>/<uuid:period_id>/valider/",
        views.conduct_validate,
        name="conduct_validate",
    ),
]
