"""Personal API tokens: list one's own, create one (from a browser session only), revoke one."""

from datetime import datetime
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.core.errors import PermissionDenied
from carnet.identity import api_tokens
from carnet.identity.api.auth import authenticated_by_token
from carnet.identity.middleware import client_ip

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: UUID
    name: str
    prefix: str = Field(description="Début du jeton, pour le reconnaître : `crt_` et 8 caractères.")
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    is_active: bool

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_prefix(obj) -> str:
        return api_tokens.TOKEN_PREFIX + obj.prefix

    @staticmethod
    def resolve_is_active(obj) -> bool:
        return obj.is_usable()


class TokenCreatedOut(TokenOut):
    token: str = Field(description="Le jeton complet. Il n'est montré qu'une fois : conservez-le.")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=api_tokens.NAME_MAX_LENGTH)
    expires_in_days: int | None = Field(
        None,
        ge=1,
        le=api_tokens.MAX_LIFETIME_DAYS,
        description="Absent ou null : valable jusqu'à révocation.",
    )


@router.get(
    "",
    response={200: list[TokenOut], **error_responses(401)},
    summary=_("Mes jetons d'accès"),
    description=_("Vos jetons personnels, du plus récent au plus ancien, révoqués et expirés compris."),
)
def list_tokens(request):
    return list(api_tokens.tokens_of(request.user))


@router.post(
    "",
    response={201: TokenCreatedOut, **error_responses(401, 403, 422)},
    summary=_("Créer un jeton d'accès"),
    description=_(
        "Crée un jeton et renvoie son texte complet, une seule fois : `token`. Seulement depuis une session "
        "du navigateur : un jeton ne peut pas créer de jeton (403 `forbidden`)."
    ),
)
def create_token(request, payload: TokenIn):
    if authenticated_by_token(request):
        raise PermissionDenied(_("Un jeton ne peut pas créer d'autre jeton : créez-le depuis le navigateur."))
    issued = api_tokens.create_token(
        actor=request.user,
        name=payload.name,
        expires_in_days=payload.expires_in_days,
        ip_address=client_ip(request),
    )
    shown = TokenOut.model_validate(issued.token).model_dump()
    # Built, not validated: the secret exists in this answer only, and not on the model.
    return Status(201, TokenCreatedOut.model_construct(**shown, token=issued.secret))


@router.delete(
    "/{public_id}",
    response={200: TokenOut, **error_responses(401, 403, 404)},
    summary=_("Révoquer un jeton"),
    description=_(
        "Révoque l'un de vos jetons : il cesse aussitôt de fonctionner. Le jeton d'une autre personne répond 404."
    ),
)
def revoke_token(request, public_id: UUID):
    token = get_object_or_404(api_tokens.tokens_of(request.user), public_id=public_id)
    return api_tokens.revoke_token(actor=request.user, token=token, ip_address=client_ip(request))
