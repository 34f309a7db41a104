"""Account pages under /compte/. Each concern keeps its own URL module."""

from django.urls import include, path

app_name = "identity"

urlpatterns = [
    path("", include("carnet.identity.web.signin_urls")),
    path("", include("carnet.identity.web.account_urls")),
    path("jetons/", include("carnet.identity.web.token_urls")),
]
