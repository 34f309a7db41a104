"""Navigation of the class council part: "Conseils de classe" for main teachers, heads and deputies;
"Appréciations" for teachers; "Conduite" for school-life staff (heads and deputies reach it from the
councils page). Visibility reads only the person's cached roles: no query."""

from django.utils.translation import gettext_lazy as _

from carnet.school.models import StaffFunction
from carnet.school.roles import roles_of
from carnet.ui import navigation

K = StaffFunction.Kind


def runs_councils(request) -> bool:
    roles = roles_of(request.user)
    return bool(roles.main_teacher_class_ids) or any(
        roles.has_function(e, K.HEAD, K.DEPUTY) for e in roles.functions
    )


def writes_appraisals(request) -> bool:
    roles = roles_of(request.user)
    return bool(roles.taught_class_ids or roles.taught_group_ids)


def sets_conduct_only(request) -> bool:
    roles = roles_of(request.user)
    return any(roles.has_function(e, K.SCHOOL_LIFE) for e in roles.functions) and not runs_councils(request)


def register() -> None:
    navigation.register(
        "grades.councils", _("Conseils de classe"), "grades:councils", "graduation-cap",
        order=46, visible=runs_councils, match=("grades:council",),
    )
    navigation.register(
        "grades.appraisals", _("Appréciations"), "grades:appraisals_home", "pencil",
        order=44, visible=writes_appraisals, match=("grades:appraisals",),
    )
    navigation.register(
        "grades.conduct", _("Conduite"), "grades:conduct_home", "clipboard-list",
        order=47, visible=sets_conduct_only, match=("grades:conduct",),
    )
