from django.urls import path

from carnet.notifications.web import views

app_name = "notifications"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("tout-lire/", views.mark_all_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("etablissement/", views.establishment_settings, name="establishment_settings"),
    path(
        "etablissement/<uuid:establishment_id>/",
        views.establishment_settings,
        name="establishment_settings_for",
    ),
    path("<uuid:public_id>/", views.open_notification, name="open"),
    path("<uuid:public_id>/lue/", views.mark_read, name="mark_read"),
]
