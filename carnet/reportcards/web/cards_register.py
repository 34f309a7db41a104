"""Start-up declarations of the report cards: the "reportcards.published" notification kind and the
"Bulletins" navigation entry (administrative staff, main teachers, students and guardians). The
visibility test reads only the person's cached roles: no query."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from carnet.notifications import kinds
from carnet.school.roles import roles_of
from carnet.ui import navigation


def sees_report_cards(request) -> bool:
    roles = roles_of(request.user)
    return bool(
        roles.administrative_establishment_ids or roles.main_teacher_class_ids or roles.is_student or roles.is_guardian
    )


def register() -> None:
    kinds.register(
        "reportcards.published",
        _("Bulletin publié"),
        description=_("Un bulletin (ou une nouvelle version d'un bulletin) est publié pour vous ou votre enfant."),
        default_modes={"email": "digest", "push": "digest"},
        summary=ngettext_lazy("%(count)d bulletin publié", "%(count)d bulletins publiés", "count"),
    )
    navigation.register(
        "reportcards", _("Bulletins"), "reportcards:index", "file-text", order=48, visible=sees_report_cards,
        match=("reportcards:",),
    )
