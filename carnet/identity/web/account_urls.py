"""A signed-in person's security pages."""

from django.urls import path

from carnet.identity.web import account, password

urlpatterns = [
    path("mot-de-passe/", password.password_change, name="password_change"),
    path("double-authentification/", account.totp_view, name="totp"),
    path("sessions/", account.sessions, name="sessions"),
    path("sessions/autres/fin/", account.sessions_end_others, name="sessions_end_others"),
    path("sessions/<uuid:session_id>/fin/", account.session_end, name="session_end"),
]
