"""The teacher's marks pages (namespace "grades"): my teaching, the grid and its endpoints, the
assessment form and its actions."""

from django.urls import path

from carnet.grades.web.teacher import assessments, views

urlpatterns = [
    path("notes/saisie/", views.teacher_home, name="teacher_home"),
    path("notes/saisie/<uuid:assignment_id>/<uuid:period_id>/", views.grid, name="grid"),
    path("notes/saisie/<uuid:assignment_id>/<uuid:period_id>/cellule/", views.grid_cell, name="grid_cell"),
    path("notes/saisie/<uuid:assignment_id>/<uuid:period_id>/colonne/", views.grid_column, name="grid_column"),
    path("notes/saisie/<uuid:assignment_id>/<uuid:period_id>/cellule/detail/", views.grid_cell_dialog, name="grid_cell_dialog"),
    path("notes/evaluations/nouvelle/", assessments.assessment_new, name="assessment_new"),
    path("notes/evaluations/<uuid:assessment_id>/modifier/", assessments.assessment_edit, name="assessment_edit"),
    path("notes/evaluations/<uuid:assessment_id>/dupliquer/", assessments.assessment_duplicate, name="assessment_duplicate"),
    path("notes/evaluations/<uuid:assessment_id>/supprimer/", assessments.assessment_delete, name="assessment_delete"),
    path("notes/evaluations/<uuid:assessment_id>/publier/", assessments.assessment_publish, name="assessment_publish"),
]
