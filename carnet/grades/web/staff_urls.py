"""The read-only marks pages of the staff and main teachers (namespace "grades"): /notes/consultation/."""

from django.urls import path

from carnet.grades.web.staff import views

urlpatterns = [
    path("notes/consultation/", views.overview, name="consult"),
    path("notes/consultation/<uuid:assignment_id>/<uuid:period_id>/", views.grid, name="consult_grid"),
    path("notes/consultation/<uuid:assignment_id>/<uuid:period_id>/note/", views.mark, name="consult_mark"),
]
