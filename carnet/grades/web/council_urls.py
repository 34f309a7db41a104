"""URLs of the class council part: councils, appraisals (the teachers' fast list), conduct marks."""

from django.urls import path

from carnet.grades.web.council import appraisals, conduct, councils

urlpatterns = [
    path("conseils/", councils.index, name="councils"),
    path("conseils/<uuid:class_id>/<uuid:period_id>/", councils.council, name="council"),
    path("conseils/<uuid:class_id>/<uuid:period_id>/clore/", councils.close, name="council_close"),
    path("conseils/<uuid:class_id>/<uuid:period_id>/deverrouiller/", councils.unlock, name="council_unlock"),
    path(
        "conseils/<uuid:class_id>/<uuid:period_id>/eleves/<uuid:student_id>/avis/",
        councils.record,
        name="council_record",
    ),
    path("notes/appreciations/", appraisals.home, name="appraisals_home"),
    path("notes/appreciations/classe/<uuid:class_id>/<uuid:period_id>/", appraisals.main_teacher, name="appraisals_main"),
    path("notes/appreciations/<uuid:assignment_id>/<uuid:period_id>/", appraisals.subject, name="appraisals"),
    path("notes/conduite/", conduct.home, name="conduct_home"),
    path("notes/conduite/<uuid:class_id>/<uuid:period_id>/", conduct.conduct, name="conduct"),
]
