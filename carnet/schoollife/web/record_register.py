"""What the record part declares at start-up: the "Vie scolaire" navigation entry, for school-life
staff (head, deputies, CPE), main teachers, students and guardians. Visibility reads only the
person's cached roles: no query."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carnet.school.roles import roles_of


def sees_school_life(request) -> bool:
    from carnet.schoollife.policies import staff_establishment_ids

    roles = roles_of(request.user)
    return bool(
        staff_establishment_ids(request.user)
        or roles.main_teacher_class_ids
        or roles.is_student
        or roles.is_guardian
    )


def register() -> None:
    from carnet.ui import navigation

    navigation.register(
        "schoollife",
        _("Vie scolaire"),
        "schoollife:home",
        "school",
        order=40,
        visible=sees_school_life,
        match=("schoollife:",),
    )
