"""Language choice: a signed-in user's own language wins, else the browser's, else French."""

from django.utils import translation


class UserLanguageMiddleware:
    """Runs after AuthenticationMiddleware and LocaleMiddleware; overrides their choice with the
    language the user set on their profile, if any."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        return response
