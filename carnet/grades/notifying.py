"""What the grades app tells people: the "grades.published" notification kind, and the periodic job
that announces marks whose publication moment has passed (run by `carnet worker`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

#: How often `carnet worker` looks for marks to announce.
PUBLICATION_CHECK_SECONDS = 60


def _notify_due_publications() -> int:
    from carnet.grades.services.publication import notify_due_publications

    return notify_due_publications()


def register() -> None:
    from carnet.notifications import kinds, periodic

    kinds.register(
        "grades.published",
        _("Nouvelles notes"),
        description=_("Des notes sont publiées dans une matière (pour vous ou pour votre enfant)."),
        default_modes={"email": "digest", "sms": "digest", "push": "digest"},
        sms_allowed=True,
        summary=ngettext_lazy("%(count)d nouvelle note", "%(count)d nouvelles notes", "count"),
    )
    periodic.register("grades.notify_due_publications", _notify_due_publications, every_seconds=PUBLICATION_CHECK_SECONDS)
