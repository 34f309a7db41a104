"""What the mailing part declares at start-up: the notification kind of letters to families
("schoollife.letter"), so that e-mail and SMS letters travel through the notifications core
(at most once, SMS budget, quiet hours) and families may refuse a channel for them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


def register() -> None:
    from carnet.notifications import kinds

    kinds.register(
        "schoollife.letter",
        _("Courrier de la vie scolaire"),
        description=_(
            "Une lettre de la vie scolaire au sujet de votre enfant (absences, retards, convocation…)."
        ),
        default_modes={"email": "immediate", "sms": "immediate", "push": "never"},
        sms_allowed=True,
        summary=ngettext_lazy(
            "%(count)d courrier de la vie scolaire", "%(count)d courriers de la vie scolaire", "count"
        ),
    )
