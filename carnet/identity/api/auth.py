"""The two ways into the API.

- `TokenAuth`: `Authorization: Bearer crt_…`, a personal token (scripts, apps). A token that is
  presented but unknown, expired or revoked is refused outright (401), never silently ignored.
- `SessionAuth`: the browser's session cookie, as on the pages. An unsafe method (POST, PUT, PATCH,
  DELETE) must carry the CSRF token (`X-CSRFToken` header), or it is refused (403 `csrf_failed`).

Token first: a request that carries a token is judged on its token alone, and a script that holds
no session never meets the CSRF check."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from carnet.core.api import CsrfFailed, Unauthenticated
from carnet.identity.api_tokens import authenticate_token


class TokenAuth(HttpBearer):
    openapi_description = _(
        "Jeton personnel, créé et révoqué depuis la page « Jetons d'accès » du compte : "
        "en-tête `Authorization: Bearer crt_…`."
    )
    openapi_bearerFormat = "crt_…"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = authenticate_token(token)
        if api_token is None:
            raise Unauthenticated(_("Jeton d'accès invalide, expiré ou révoqué."))
        user = api_token.user
        request.user = user
        request.api_token = api_token  # type: ignore[attr-defined]
        if user.language:
            # The session user's language is applied by a middleware that runs before us.
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return user


class SessionAuth(APIKeyCookie):
    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = _(
        "Session du navigateur (après connexion sur Carnet). Les méthodes qui modifient des données "
        "exigent l'en-tête `X-CSRFToken`."
    )

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise CsrfFailed()
        return user


def authenticated_by_token(request: HttpRequest) -> bool:
    return getattr(request, "api_token", None) is not None
