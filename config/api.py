"""The REST API under /api/v1/: one NinjaAPI, routers contributed by each app's `api/` package.

Authentication: the browser session (with CSRF) or a personal token (`Authorization: Bearer …`).
Errors share one shape: {"code": "...", "message": "...", "details": ...}."""

from functools import partial

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, re_path
from django.utils.functional import lazy
from django.utils.translation import gettext
from ninja import NinjaAPI, Swagger

from carnet.attendance.api import router as attendance_router
from carnet.core.api import ApiRateThrottle, error_codes_markdown, error_response, install_error_handlers
from carnet.core.errors import NotFound
from carnet.discipline.api import router as discipline_router
from carnet.grades.api import router as grades_router
from carnet.identity.api.auth import SessionAuth, TokenAuth
from carnet.identity.api.tokens import router as tokens_router
from carnet.notifications.api import router as notifications_router
from carnet.reportcards.api import router as reportcards_router
from carnet.school.api.classes import router as classes_router
from carnet.school.api.directory import router as directory_router
from carnet.school.api.me import router as me_router
from carnet.schoollife.api import router as schoollife_router
from carnet.timetable.api import router as timetable_router


def _description() -> str:
    return "\n\n".join(
        [
            gettext(
                "L'API de Carnet : les mêmes données que les pages, pour les mêmes personnes. "
                "Chacun n'y voit que ce qu'il voit sur les pages ; un objet hors de votre périmètre "
                "répond 404, exactement comme un objet qui n'existe pas. Les identifiants sont des UUID."
            ),
            "## " + gettext("Authentification"),
            gettext(
                "- **Session du navigateur** : une fois connecté à Carnet, la page de documentation et vos "
                "scripts dans le navigateur utilisent votre session. Les requêtes qui modifient des données "
                "(POST, PUT, PATCH, DELETE) doivent porter l'en-tête `X-CSRFToken`.\n"
                "- **Jeton personnel** : créez-le sur la page « Jetons d'accès » de votre compte "
                "(/compte/jetons/), puis envoyez `Authorization: Bearer crt_…`. Un jeton agit en votre nom, "
                "avec vos droits ; il ne peut pas créer d'autre jeton. Révoquez-le dès qu'il ne sert plus."
            ),
            "## " + gettext("Erreurs"),
            gettext(
                'Toute erreur répond `{"code": …, "message": …, "details": …}`. Le `code` est stable : '
                "c'est lui qu'un programme doit tester. Le `message` est destiné aux personnes, en français "
                "par défaut, en anglais avec `Accept-Language: en`. `details` précise l'erreur quand c'est "
                "utile (la liste des champs invalides pour `validation_failed`)."
            ),
            error_codes_markdown(),
            "## " + gettext("Pagination"),
            gettext(
                "Les listes longues sont paginées : paramètres `page` (à partir de 1) et `page_size` "
                "(50 par défaut, 100 au plus) ; la réponse donne `items` et `count`, le nombre total."
            ),
        ]
    )


class CarnetAPI(NinjaAPI):
    """A NinjaAPI whose every URL opts out of LoginRequiredMiddleware: the API answers an anonymous
    call with 401 JSON itself, never with a redirect to the sign-in page."""

    def _get_urls(self):
        patterns = super()._get_urls()
        # Last: any other path under the API answers the JSON 404, not the HTML page.
        patterns.append(re_path(r"^.+$", partial(_unknown_path, api=self), name="unknown-path"))
        _login_not_required(patterns)
        return patterns


def _unknown_path(request, *args, api, **kwargs):
    return error_response(api, request, NotFound())


def _login_not_required(patterns) -> None:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _login_not_required(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)


api = CarnetAPI(
    title="Carnet API",
    version="1",
    description=lazy(_description, str)(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    # The bundled Swagger UI, served from our static files; no validator badge (it calls out).
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    # Token first: a request that carries a token is judged on it alone and never meets the CSRF check.
    auth=[TokenAuth(), SessionAuth()],
    throttle=[ApiRateThrottle()],
)
install_error_handlers(api)

api.add_router("/me", me_router)
api.add_router("/directory", directory_router)
api.add_router("/classes", classes_router)
api.add_router("/tokens", tokens_router)
api.add_router("/notifications", notifications_router)
api.add_router("/grades", grades_router)
api.add_router("/reportcards", reportcards_router)
api.add_router("/timetable", timetable_router)
api.add_router("/attendance", attendance_router)
api.add_router("/discipline", discipline_router)
api.add_router("/schoollife", schoollife_router)
