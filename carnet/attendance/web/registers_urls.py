"""URLs of the registers part: the teacher's roll call under /appel/, the school-life pages under
/vie-scolaire/ (missing registers, exemptions), a student's exemptions and a certificate under
/dispenses/."""

from django.urls import path

from carnet.attendance.web import registers_exemptions, registers_views

urlpatterns = [
    path("appel/", registers_views.my_sessions, name="my_sessions"),
    path("appel/<uuid:session_id>/", registers_views.register, name="register"),
    path("vie-scolaire/appels-non-faits/", registers_views.missing_registers, name="missing_registers"),
    path("vie-scolaire/dispenses/", registers_exemptions.exemptions, name="exemptions"),
    path("vie-scolaire/dispenses/nouvelle/", registers_exemptions.exemption_new, name="exemption_new"),
    path(
        "vie-scolaire/dispenses/<uuid:exemption_id>/",
        registers_exemptions.exemption_edit,
        name="exemption_edit",
    ),
    path(
        "vie-scolaire/dispenses/<uuid:exemption_id>/terminer/",
        registers_exemptions.exemption_end,
        name="exemption_end",
    ),
    path(
        "vie-scolaire/dispenses/<uuid:exemption_id>/supprimer/",
        registers_exemptions.exemption_delete,
        name="exemption_delete",
    ),
    path(
        "dispenses/eleve/<uuid:student_id>/",
        registers_exemptions.student_exemptions,
        name="student_exemptions",
    ),
    path(
        "dispenses/<uuid:exemption_id>/certificat/",
        registers_exemptions.exemption_certificate,
        name="exemption_certificate",
    ),
]
