"""Navigation of the read-only marks pages: "Notes des classes" for the administrative staff who read
every mark of their establishment (head, deputies, school life, secretary). Main teachers reach
their class's grids from the council. Visibility reads only the person's cached roles: no query."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from carnet.grades.web.staff.views import reads_marks_somewhere
    from carnet.ui import navigation

    navigation.register(
        "grades.consult",
        _("Notes des classes"),
        "grades:consult",
        "book-open",
        order=48,
        visible=reads_marks_somewhere,
        match=("grades:consult",),
    )
