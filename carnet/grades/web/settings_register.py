"""Start-up registrations of the staff side of grades: the marks import kind (on the imports page
and `carnet import marks`), and the navigation entries of the settings page (head and deputies)
and of the exports page, placed after "Année scolaire". To keep the menu short a person sees one
of the two: the head and deputies reach the exports from the settings page; the secretary and the
school-life staff (who export but do not set the rules) see "Notes : exports"."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from carnet.grades.imports import register as register_import
    from carnet.grades.web.settings.exports import can_export_somewhere
    from carnet.grades.web.settings.views import manages_grading_somewhere
    from carnet.ui import navigation

    register_import()
    navigation.register(
        "grades_settings", _("Notes : réglages"), "grades:settings", "clipboard-list", order=86,
        match=("grades:settings", "grades:exports"), visible=manages_grading_somewhere,
    )
    navigation.register(
        "grades_exports", _("Notes : exports"), "grades:exports", "download", order=87,
        match=("grades:exports",),
        visible=lambda request: can_export_somewhere(request) and not manages_grading_somewhere(request),
    )
