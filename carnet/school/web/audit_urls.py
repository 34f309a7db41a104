"""/etablissement/journal/: the audit trail of an establishment (view in `audit.py`)."""

from django.urls import path

from carnet.school.web import audit

urlpatterns = [
    path("", audit.audit, name="audit"),
]
