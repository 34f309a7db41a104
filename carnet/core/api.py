"""Plumbing every API router shares: the error body, its OpenAPI declaration and the exception
handlers that turn any refusal into that body.

Every error the API returns has one shape, `{"code": str, "message": str, "details": any}`:
`code` is stable (clients branch on it), `message` is translated for people (French by default,
English with `Accept-Language: en`), `details` carries machine-readable specifics (field errors)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.throttling import UserRateThrottle

from carnet.core.errors import DomainError, NotFound, PermissionDenied, RateLimited, ValidationFailed

logger = logging.getLogger("carnet.api")

#: `gettext_lazy` typed as returning `str`, for ninja's `summary=`/`description=` which accept only
#: str: the lazy text renders in the reader's language each time the schema is served. Import it as
#: `_` so that makemessages finds the texts.
lazy_text = cast("Callable[[str], str]", _)


class Unauthenticated(DomainError):
    code = "unauthenticated"
    status = 401
    default_message = _("Authentification requise : connectez-vous ou présentez un jeton d'accès valide.")


class CsrfFailed(DomainError):
    code = "csrf_failed"
    status = 403
    default_message = _(
        "Vérification CSRF échouée : une requête qui modifie des données avec la session du navigateur "
        "doit porter l'en-tête X-CSRFToken."
    )


class BadRequest(DomainError):
    code = "bad_request"
    status = 400
    default_message = _("La requête est mal formée.")


class ServerError(DomainError):
    code = "server_error"
    status = 500
    default_message = _("Une erreur inattendue s'est produite ; elle a été signalée.")


#: Every code the API may answer with, its HTTP status and what it means: the API description shows
#: this table. A code never changes once published.
ERROR_CODES: list[tuple[str, int, Any]] = [
    (BadRequest.code, 400, _("La requête est illisible (corps JSON invalide, par exemple).")),
    (Unauthenticated.code, 401, _("Ni session ni jeton valide : jeton absent, inconnu, expiré ou révoqué.")),
    (CsrfFailed.code, 403, _("Requête de session sans en-tête X-CSRFToken valide.")),
    (PermissionDenied.code, 403, _("Vous êtes identifié, mais cette action ne vous est pas permise.")),
    (
        NotFound.code,
        404,
        _("L'objet n'existe pas, ou il est hors de ce que vous pouvez voir : la réponse est la même."),
    ),
    ("conflict", 409, _("La donnée a changé entre-temps.")),
    ("mark_conflict", 409, _("La note a été modifiée par quelqu'un d'autre depuis votre lecture ; « details » donne la valeur actuelle, qui et quand.")),
    ("appraisal_conflict", 409, _("L'appréciation a été modifiée par quelqu'un d'autre depuis votre lecture.")),
    ("conduct_conflict", 409, _("La note de conduite a été modifiée par quelqu'un d'autre depuis votre lecture.")),
    ("council_conflict", 409, _("Le conseil de classe a été modifié par quelqu'un d'autre depuis votre lecture.")),
    ("profile_conflict", 409, _("Les règles de calcul ont été modifiées par quelqu'un d'autre depuis votre lecture.")),
    ("period_locked", 409, _("Le conseil de classe de la période est clos : les notes et appréciations sont verrouillées.")),
    ("confirmation_required", 409, _("L'action efface des données (des notes) : renvoyez-la avec la confirmation.")),
    ("kind_in_use", 409, _("Ce type d'évaluation est utilisé par des évaluations : il ne peut pas être supprimé.")),
    ("absence_conflict", 409, _("L'absence a été modifiée par quelqu'un d'autre depuis votre lecture ; « details » donne les valeurs actuelles.")),
    ("lateness_conflict", 409, _("Le retard a été modifié par quelqu'un d'autre depuis votre lecture ; « details » donne les valeurs actuelles.")),
    ("exemption_conflict", 409, _("La dispense a été modifiée par quelqu'un d'autre depuis votre lecture ; « details » donne ses valeurs actuelles, qui et quand.")),
    ("declaration_conflict", 409, _("La déclaration d'absence a été modifiée par quelqu'un d'autre depuis votre lecture.")),
    ("declaration_decided", 409, _("La déclaration d'absence a déjà été acceptée ou refusée.")),
    ("booking_conflict", 409, _("Le créneau n'est pas libre (cours, autre réservation, jour fermé ou hors de l'année) ; « details.conflicts » dit ce qui l'occupe.")),
    ("booking_not_pending", 409, _("La réservation n'attend plus de réponse : elle a déjà été validée, refusée ou annulée.")),
    ("booking_not_active", 409, _("La réservation est déjà annulée ou refusée.")),
    ("resource_not_bookable", 409, _("La salle ou le matériel est hors service ou n'est pas ouvert à la réservation.")),
    ("suggestion_changed", 409, _("La note de conduite suggérée a changé depuis votre lecture (une absence ou une mesure saisie entre-temps) : relisez-la avant de la valider.")),
    ("conduct_rule_conflict", 409, _("La règle de la note de conduite a été modifiée par quelqu'un d'autre depuis votre lecture.")),
    ("unknown_placeholder", 422, _("Un modèle de lettre contient un champ entre accolades inconnu ; « details.placeholders » les nomme.")),
    ("empty_selection", 422, _("Aucun élève ne correspond à la sélection du courrier : rien n'est préparé.")),
    ("timetable_clash", 409, _("L'enseignant, la classe (ou un groupe qui partage des élèves) ou la salle a déjà cours à ce moment ; « details » dit ce qui l'occupe.")),
    ("session_conflict", 409, _("La séance a été modifiée par quelqu'un d'autre depuis votre lecture ; « details » donne la version actuelle, qui et quand.")),
    ("register_conflict", 409, _("L'appel a été enregistré par quelqu'un d'autre depuis votre lecture ; « details » dit qui, quand, et donne sa version.")),
    ("register_closed", 403, _("L'appel de ce jour ne peut plus être fait ni corrigé par un enseignant (corrections le jour même seulement).")),
    ("incident_conflict", 409, _("L'incident a été modifié par quelqu'un d'autre depuis votre lecture ; « details » donne sa version actuelle.")),
    ("measure_conflict", 409, _("La punition ou sanction a été modifiée par quelqu'un d'autre depuis votre lecture ; « details » donne sa version actuelle.")),
    ("measure_type_in_use", 409, _("Des mesures sont de ce type : il ne peut pas être supprimé du catalogue, seulement retiré du service.")),
    (ValidationFailed.code, 422, _("Des valeurs sont invalides ; « details » liste les champs en cause.")),
    (RateLimited.code, 429, _("Trop de requêtes ; l'en-tête Retry-After dit combien de secondes attendre.")),
    (ServerError.code, 500, _("Erreur inattendue du serveur.")),
]


class ErrorOut(Schema):
    """The body of every error answer."""

    code: str
    message: str
    details: Any = None


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The OpenAPI declaration of error answers, to merge into an operation's `response=`:
    `response={200: MeOut, **error_responses(401, 403)}`."""
    return dict.fromkeys(statuses, ErrorOut)


def error_response(api, request: HttpRequest, error: DomainError) -> HttpResponse:
    """Render a domain error in the shared shape, with its message in the active language."""
    body = {"code": error.code, "message": str(error.message), "details": error.details}
    response = api.create_response(request, body, status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="carnet"'
    return response


def _validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ninja's error list reduced to what a client needs: where (`loc`, and `field` when the error is
    about one field), what (`type`, stable) and a readable `message` (pydantic's, in English)."""
    details = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        # loc starts with the source ("body", "query", "path"); the payload name follows for bodies.
        field_parts = loc[2:] if len(loc) > 2 and loc[0] == "body" else loc[1:]
        details.append(
            {
                "loc": loc,
                "field": ".".join(field_parts),
                "type": error.get("type", ""),
                "message": error.get("msg", ""),
            }
        )
    return details


_STATUS_ERRORS: dict[int, type[DomainError]] = {
    400: BadRequest,
    401: Unauthenticated,
    403: PermissionDenied,
    404: NotFound,
    422: ValidationFailed,
    429: RateLimited,
}


def install_error_handlers(api) -> None:
    """Replace ninja's default handlers so that every error, including authentication, CSRF,
    throttling and unexpected failures, answers in the shared shape."""

    def on_domain_error(request, exc: DomainError):
        return error_response(api, request, exc)

    def on_not_found(request, exc):
        return error_response(api, request, NotFound())

    def on_forbidden(request, exc):
        return error_response(api, request, PermissionDenied())

    def on_unauthenticated(request, exc):
        return error_response(api, request, Unauthenticated())

    def on_validation(request, exc: NinjaValidationError):
        return error_response(api, request, ValidationFailed(details=_validation_details(exc.errors)))

    def on_throttled(request, exc: Throttled):
        return error_response(api, request, RateLimited(details={"wait_seconds": exc.wait}))

    def on_http_error(request, exc: HttpError):
        error_class = _STATUS_ERRORS.get(exc.status_code)
        if error_class is None:
            error = DomainError(details={"reason": str(exc)})
            error.status = exc.status_code
            return error_response(api, request, error)
        return error_response(api, request, error_class())

    def on_unexpected(request, exc: Exception):
        # Django logs the 500 answer itself, without the traceback: this line carries it.
        logger.error("Unhandled error in API view %s", request.path, exc_info=exc)
        return error_response(api, request, ServerError())

    api.add_exception_handler(Exception, on_unexpected)
    api.add_exception_handler(DomainError, on_domain_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(DjangoPermissionDenied, on_forbidden)
    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(AuthenticationError, on_unauthenticated)
    api.add_exception_handler(AuthorizationError, on_forbidden)
    api.add_exception_handler(Throttled, on_throttled)


def error_codes_markdown() -> str:
    """The table of error codes, in the active language, for the API description."""
    lines = [
        "| code | HTTP | " + gettext("signification") + " |",
        "|---|---|---|",
    ]
    lines += [f"| `{code}` | {status} | {meaning} |" for code, status, meaning in ERROR_CODES]
    return "\n".join(lines)


class ApiRateThrottle(UserRateThrottle):
    """Requests per signed-in person (session or token alike), keyed on the user's id. The rate is
    read from `settings.CARNET_API_RATE` ("600/m") at each request, so it can change without a
    restart of the API object."""

    scope = "carnet_api"
    default_rate = "600/m"

    def __init__(self) -> None:
        self.rate = None
        self.num_requests, self.duration = None, None

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, "CARNET_API_RATE", self.default_rate)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)
