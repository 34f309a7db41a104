"""/notes/reglages/ (grading settings, head and deputies) and /notes/exports/ (averages exports)."""

from django.urls import path

from carnet.grades.web.settings import exports, views

urlpatterns = [
    path("notes/reglages/", views.settings_page, name="settings"),
    path("notes/reglages/coefficients/", views.coefficient_add, name="settings_coefficient_add"),
    path("notes/reglages/coefficients/copier/", views.coefficients_copy, name="settings_coefficients_copy"),
    path("notes/reglages/coefficients/<uuid:row_id>/", views.coefficient_change, name="settings_coefficient"),
    path("notes/reglages/types/", views.kind_add, name="settings_kind_add"),
    path("notes/reglages/types/<uuid:kind_id>/", views.kind_change, name="settings_kind"),
    path("notes/exports/", exports.exports_page, name="exports"),
]
