"""Staff pages of an establishment under /etablissement/. Each concern keeps its own URL module."""

from django.urls import include, path

app_name = "school"

urlpatterns = [
    path("", include("carnet.school.web.accounts_urls")),
    path("imports/", include("carnet.school.web.imports_urls")),
    path("journal/", include("carnet.school.web.audit_urls")),
    path("annee/", include("carnet.school.web.calendar_urls")),
]
