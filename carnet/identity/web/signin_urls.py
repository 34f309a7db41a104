"""Public pages: signing in and out, first activation, a forgotten password."""

from django.urls import path

from carnet.identity.web import activation, password, recovery, signin

urlpatterns = [
    path("connexion/", signin.login_view, name="login"),
    path("connexion/code/", signin.login_totp, name="login_totp"),
    path("deconnexion/", signin.logout_view, name="logout"),
    path("activation/", activation.activate, name="activate"),
    path("nouveau-mot-de-passe/", password.choose_password, name="choose_password"),
    path("mot-de-passe-oublie/", recovery.recover, name="recover"),
    path("mot-de-passe-oublie/envoye/", recovery.recover_sent, name="recover_sent"),
    path("mot-de-passe-oublie/code/", recovery.recover_code, name="recover_code"),
    path("mot-de-passe-oublie/lien/<uuid:user_id>/<str:token>/", recovery.recover_link, name="recover_link"),
]
