"""The notifications API: one's own notifications, marking them read, one's preferences, and the
browsers that receive one's web push (`push.py`, under /push-subscriptions)."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.notifications import selectors, services
from carnet.notifications.api.push import router as push_router
from carnet.notifications.policies import notifications_visible_to

router = Router(tags=["notifications"])
router.add_router("/push-subscriptions", push_router)


class NotificationOut(Schema):
    id: UUID
    kind: str = Field(description="Code stable du type, par exemple `grades.published`.")
    kind_label: str
    title: str
    body: str
    url: str = Field(description="Chemin dans Carnet (ou adresse http(s)) de ce dont il s'agit ; vide si aucun.")
    data: dict[str, Any]
    created_at: dt.datetime
    read_at: dt.datetime | None
    is_read: bool

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id


class NotificationFilter(Schema):
    unread: bool = Field(False, description="Seulement les notifications non lues.")


class ReadAllOut(Schema):
    marked: int = Field(description="Combien de notifications viennent d'être marquées comme lues.")
    unread: int


class ModeOut(Schema):
    channel: str = Field(description="`in_app`, `email`, `sms` ou `push`.")
    mode: str = Field(description="`never`, `immediate` ou `digest`.")
    choices: list[str] = Field(description="Les modes possibles sur ce canal pour ce type.")
    is_default: bool


class KindPreferenceOut(Schema):
    kind: str
    label: str
    description: str
    sms_allowed: bool
    urgent: bool
    channels: list[ModeOut]


class QuietHoursSchema(Schema):
    follow_establishment: bool = Field(description="Vrai : les heures calmes de l'établissement s'appliquent.")
    start: dt.time | None = Field(None, description="Début des heures calmes, heure locale de l'établissement.")
    end: dt.time | None = None
    weekends: bool = True


class PreferencesOut(Schema):
    kinds: list[KindPreferenceOut]
    quiet_hours: QuietHoursSchema


class ModeIn(Schema):
    kind: str
    channel: str
    mode: str


class PreferencesIn(Schema):
    modes: list[ModeIn] = Field(default_factory=list, description="Les couples (type, canal) à changer ; les autres restent.")
    quiet_hours: QuietHoursSchema | None = Field(None, description="Absent : les heures calmes ne changent pas.")


def _preferences(user) -> dict:
    own = selectors.own_quiet_hours(user)
    if own is None:
        governing = selectors.governing_settings(user)
        quiet = {
            "follow_establishment": True,
            "start": governing.quiet_start if governing else None,
            "end": governing.quiet_end if governing else None,
            "weekends": governing.quiet_weekends if governing else True,
        }
    else:
        quiet = {"follow_establishment": False, "start": own.quiet_start, "end": own.quiet_end, "weekends": own.quiet_weekends}
    return {
        "kinds": [
            {
                "kind": row.kind.code,
                "label": str(row.kind.label),
                "description": str(row.kind.description),
                "sms_allowed": row.kind.sms_allowed,
                "urgent": row.kind.urgent,
                "channels": [
                    {"channel": c.channel, "mode": c.mode, "choices": [m for m, _label in c.choices], "is_default": c.is_default}
                    for c in row.cells
                    if c.choices
                ],
            }
            for row in selectors.preference_grid(user)
        ],
        "quiet_hours": quiet,
    }


@router.get(
    "",
    response={200: list[NotificationOut], **error_responses(401, 422)},
    summary=_("Mes notifications"),
    description=_(
        "Vos notifications, les non lues d'abord, puis de la plus récente à la plus ancienne. "
        "`unread=true` : seulement les non lues. Paginé : `page`, `page_size`."
    ),
)
@paginate(PageNumberPagination)
def list_notifications(request, filters: Query[NotificationFilter]):
    return selectors.notifications_for(request.user, unread_only=filters.unread)


@router.post(
    "/read-all",
    response={200: ReadAllOut, **error_responses(401)},
    summary=_("Tout marquer comme lu"),
)
def read_all(request):
    marked = services.mark_all_read(actor=request.user)
    return {"marked": marked, "unread": selectors.unread_count(request.user)}


@router.post(
    "/{public_id}/read",
    response={200: NotificationOut, **error_responses(401, 404)},
    summary=_("Marquer une notification comme lue"),
    description=_("Sans effet si elle l'était déjà. Une notification qui n'est pas la vôtre répond 404."),
)
def read_one(request, public_id: UUID):
    notification = get_object_or_404(notifications_visible_to(request.user), public_id=public_id)
    return services.mark_read(actor=request.user, notification=notification)


@router.get(
    "/preferences",
    response={200: PreferencesOut, **error_responses(401)},
    summary=_("Mes préférences de notification"),
    description=_(
        "Pour chaque type de notification, le mode choisi sur chaque canal qu'il utilise (`never`, "
        "`immediate`, `digest`), et vos heures calmes."
    ),
)
def get_preferences(request):
    return _preferences(request.user)


@router.put(
    "/preferences",
    response={200: PreferencesOut, **error_responses(401, 422)},
    summary=_("Changer mes préférences de notification"),
    description=_(
        "Change les couples (type, canal) donnés et, si `quiet_hours` est présent, vos heures calmes. "
        "Rien n'est changé si un couple est invalide (422 `validation_failed`, `details` par couple)."
    ),
)
def put_preferences(request, payload: PreferencesIn):
    quiet = payload.quiet_hours
    services.save_preferences(
        actor=request.user,
        modes={(m.kind, m.channel): m.mode for m in payload.modes},
        quiet=services.QuietChoice(**quiet.dict()) if quiet is not None else None,
    )
    return _preferences(request.user)
