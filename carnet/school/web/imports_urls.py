"""/etablissement/imports/: the imports of the year's data (views in `imports.py`)."""

from django.urls import path

from carnet.school.web import imports

urlpatterns = [
    path("", imports.imports, name="imports"),
    path("appliquer/", imports.apply, name="imports_apply"),
    path("historique/<uuid:run_id>/", imports.run_detail, name="import_run"),
    path("modeles/<slug:kind>.<slug:extension>", imports.example, name="import_example"),
]
