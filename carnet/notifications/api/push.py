"""The browsers that receive one's web push notifications: register or refresh one, list them,
remove one. Mounted under /api/v1/notifications/push-subscriptions."""

import datetime as dt
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.notifications import selectors, services
from carnet.notifications.policies import push_subscriptions_visible_to

router = Router(tags=["notifications"])


class PushKeys(Schema):
    p256dh: str = Field(max_length=200, description="Clé publique P-256 du navigateur, en base64url.")
    auth: str = Field(max_length=100, description="Secret d'authentification du navigateur (16 octets), en base64url.")


class PushSubscriptionIn(Schema):
    """What `PushSubscription.toJSON()` gives in the browser (`expirationTime` is ignored)."""

    endpoint: str = Field(
        max_length=1000, description="Adresse https du service de notification du navigateur (un service connu)."
    )
    keys: PushKeys


class PushSubscriptionOut(Schema):
    id: UUID
    endpoint: str
    device: str = Field(description="Le navigateur et le système, en clair : « Chrome sur Android ».")
    created_at: dt.datetime
    last_success_at: dt.datetime | None = Field(description="Dernière notification acceptée par ce navigateur.")
    failure_count: int = Field(description="Envois en échec depuis la dernière notification acceptée.")

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id


@router.post(
    "",
    response={200: PushSubscriptionOut, 201: PushSubscriptionOut, **error_responses(401, 422)},
    summary=_("Recevoir les notifications sur un navigateur"),
    description=_(
        "Enregistre l'abonnement Web Push d'un navigateur (le JSON de `PushSubscription.toJSON()`), "
        "créé avec la clé publique VAPID du serveur. 201 s'il est nouveau, 200 s'il était connu : il est "
        "alors mis à jour. Un service de notification inconnu ou des clés invalides répondent 422."
    ),
)
def register(request, payload: PushSubscriptionIn):
    subscription, created = services.register_push_subscription(
        actor=request.user,
        endpoint=payload.endpoint,
        p256dh=payload.keys.p256dh,
        auth=payload.keys.auth,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    return Status(201 if created else 200, subscription)


@router.get(
    "",
    response={200: list[PushSubscriptionOut], **error_responses(401)},
    summary=_("Mes navigateurs qui reçoivent les notifications"),
)
def list_subscriptions(request):
    return selectors.push_devices_for(request.user)


@router.delete(
    "/{public_id}",
    response={204: None, **error_responses(401, 404)},
    summary=_("Ne plus recevoir les notifications sur un navigateur"),
    description=_("Un abonnement qui n'est pas le vôtre répond 404."),
)
def remove(request, public_id: UUID):
    subscription = get_object_or_404(push_subscriptions_visible_to(request.user), public_id=public_id)
    services.remove_push_subscription(actor=request.user, subscription=subscription)
    return Status(204, None)
