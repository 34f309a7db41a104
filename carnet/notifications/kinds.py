"""The registry of notification kinds, the channels they travel on and the modes people choose.

A module declares its kinds once, in its AppConfig.ready():

    from django.utils.translation import gettext_lazy as _, ngettext_lazy
    from carnet.notifications import kinds

    kinds.register(
        "grades.published",
        _("Nouvelle note"),
        description=_("Une note est publiée dans une de vos matières."),
        default_modes={"email": "digest", "sms": "digest", "push": "immediate"},
        sms_allowed=True,
        summary=ngettext_lazy("%(count)d nouvelle note", "%(count)d nouvelles notes", "count"),
    )

A person's preference for a (kind, channel) pair wins over the kind's default mode. The in-app
channel has no digest: a notification is either shown in the centre at once or filed as read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class Channel(models.TextChoices):
    IN_APP = "in_app", _("Dans l'application")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PUSH = "push", _("Notification push")


class Mode(models.TextChoices):
    NEVER = "never", _("Jamais")
    IMMEDIATE = "immediate", _("Tout de suite")
    DIGEST = "digest", _("Résumé quotidien")


#: Channels that leave the application, each through a backend and a Delivery row.
OUTGOING_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.PUSH)

#: Calm by default: e-mail waits for the morning digest, SMS (paid) is opt-in.
DEFAULT_MODES: Mapping[str, str] = {
    Channel.IN_APP: Mode.IMMEDIATE,
    Channel.EMAIL: Mode.DIGEST,
    Channel.SMS: Mode.NEVER,
    Channel.PUSH: Mode.IMMEDIATE,
}


@dataclass(frozen=True)
class Kind:
    code: str
    label: object
    description: object = ""
    default_modes: Mapping[str, str] = field(default_factory=dict)
    sms_allowed: bool = False
    urgent: bool = False
    summary: Any = None

    @property
    def channels(self) -> list[str]:
        """The channels this kind may use, in display order."""
        return [c.value for c in Channel if c != Channel.SMS or self.sms_allowed]

    def allowed_modes(self, channel: str) -> list[str]:
        if channel not in self.channels:
            return []
        if channel == Channel.IN_APP:
            return [Mode.NEVER.value, Mode.IMMEDIATE.value]
        return [m.value for m in Mode]

    def default_mode(self, channel: str) -> str:
        if channel not in self.channels:
            return Mode.NEVER
        return self.default_modes.get(channel, DEFAULT_MODES[channel])

    def summarize(self, count: int) -> str:
        """'3 nouvelles notes': the kind's share of a digest."""
        if self.summary is not None:
            # An ngettext_lazy keyed on "count" picks its plural form from the mapping.
            return self.summary % {"count": count}
        return f"{self.label} ({count})"

_REGISTRY: dict[str, Kind] = {}


class UnknownKind(LookupError):
    pass


def register(
    code: str,
    label,
    *,
    description="",
    default_modes: Mapping[str, str] | None = None,
    sms_allowed: bool = False,
    urgent: bool = False,
    summary=None,
) -> Kind:
    """Declare a kind. `default_modes` maps channel -> mode for the channels whose default differs
    from DEFAULT_MODES. `urgent` kinds are pushed during quiet hours, but only in establishments
    that allow it. `summary` is an ngettext_lazy with a `count` placeholder used in digests.

    Declaring the same code twice with the same definition is harmless (apps may be reloaded);
    with a different definition it is a programming error."""
    modes = dict(default_modes or {})
    for channel, mode in modes.items():
        if channel not in Channel.values:
            raise ValueError(f"Unknown channel {channel!r} for kind {code!r}")
        if mode not in Mode.values:
            raise ValueError(f"Unknown mode {mode!r} for kind {code!r}")
        if channel == Channel.IN_APP and mode == Mode.DIGEST:
            raise ValueError(f"The in-app channel of {code!r} has no digest")
        if channel == Channel.SMS and mode != Mode.NEVER and not sms_allowed:
            raise ValueError(f"Kind {code!r} sets an SMS mode but does not allow SMS")
    kind = Kind(code, label, description, modes, sms_allowed, urgent, summary)
    existing = _REGISTRY.get(code)
    if existing is not None and existing != kind:
        raise ValueError(f"Notification kind {code!r} is already declared differently")
    _REGISTRY[code] = kind
    return kind


def unregister(code: str) -> None:
    """Forget a kind (tests that declare their own)."""
    _REGISTRY.pop(code, None)


def get(code: str) -> Kind:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise UnknownKind(f"Notification kind {code!r} is not declared") from None


def find(code: str) -> Kind | None:
    return _REGISTRY.get(code)


def label_of(code: str) -> str:
    """The label of a kind, or its code when its module no longer declares it."""
    kind = _REGISTRY.get(code)
    return str(kind.label) if kind else code


def all_kinds() -> list[Kind]:
    return sorted(_REGISTRY.values(), key=lambda k: k.code)


def register_foundation_kinds() -> None:
    """The kinds the foundation itself sends (identity, imports, platform announcements)."""
    register(
        "account.security",
        _("Sécurité du compte"),
        description=_("Nouvelle connexion, mot de passe modifié, double authentification activée ou retirée."),
        default_modes={Channel.EMAIL: Mode.IMMEDIATE, Channel.PUSH: Mode.IMMEDIATE},
        sms_allowed=True,
        urgent=True,
        summary=ngettext_lazy("%(count)d alerte de sécurité", "%(count)d alertes de sécurité", "count"),
    )
    register(
        "import.finished",
        _("Import terminé"),
        description=_("Un import de données que vous avez lancé est terminé, avec son bilan."),
        default_modes={Channel.EMAIL: Mode.NEVER, Channel.PUSH: Mode.IMMEDIATE},
        summary=ngettext_lazy("%(count)d import terminé", "%(count)d imports terminés", "count"),
    )
    register(
        "system.announcement",
        _("Annonce"),
        description=_("Une information de l'établissement ou de l'équipe qui gère Carnet."),
        default_modes={Channel.EMAIL: Mode.DIGEST, Channel.PUSH: Mode.NEVER},
        sms_allowed=True,
        summary=ngettext_lazy("%(count)d annonce", "%(count)d annonces", "count"),
    )
