"""/compte/jetons/: personal API tokens."""

from django.urls import path

from carnet.identity.web import tokens

urlpatterns = [
    path("", tokens.token_list, name="tokens"),
    path("nouveau/", tokens.token_create, name="token_create"),
    path("<uuid:public_id>/revoquer/", tokens.token_revoke, name="token_revoke"),
]
