"""Family pages of marks (namespace "grades")."""

from django.urls import path

from carnet.grades.web.family import views

urlpatterns = [
    path("notes/", views.marks, name="marks"),
    path("notes/explication/generale/<uuid:period_id>/", views.explain_general, name="explain_general"),
    path("notes/explication/<uuid:subject_id>/<uuid:period_id>/", views.explain, name="explain"),
]
