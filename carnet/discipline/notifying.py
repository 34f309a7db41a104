"""What the discipline app tells people and runs on its own: the "discipline.measure" notification
kind (guardians told of a new punishment or sanction, when the establishment says so) and the
periodic retention task (`services.retention.purge_expired`, run by `carnet worker`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

#: How often `carnet worker` removes the measures whose retention has passed (idempotent: a run
#: that finds nothing due removes nothing).
RETENTION_CHECK_SECONDS = 3600


def _purge_expired() -> int:
    from carnet.discipline.services.retention import purge_expired

    return purge_expired()


def register() -> None:
    from carnet.notifications import kinds, periodic

    kinds.register(
        "discipline.measure",
        _("Punition ou sanction"),
        description=_(
            "Une punition ou une sanction est décidée pour votre enfant (selon ce que l'établissement communique)."
        ),
        default_modes={"email": "immediate", "push": "immediate"},
        sms_allowed=True,
        summary=ngettext_lazy("%(count)d punition ou sanction", "%(count)d punitions ou sanctions", "count"),
    )
    periodic.register("discipline.purge_expired", _purge_expired, every_seconds=RETENTION_CHECK_SECONDS)
