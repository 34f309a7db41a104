from django.urls import path

from carnet.notifications.web import push, views

app_name = "notifications"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("tout-lire/", views.mark_all_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("appareils/", push.push_subscribe, name="push_subscribe"),
    path("appareils/<uuid:public_id>/retirer/", push.push_remove, name="push_remove"),
    path("etablissement/", views.establishment_settings, name="establishment_settings"),
    path(
        "etablissement/<uuid:establishment_id>/",
        views.establishment_settings,
        name="establishment_settings_for",
    ),
    path("<uuid:public_id>/", views.open_notification, name="open"),
    path("<uuid:public_id>/lue/", views.mark_read, name="mark_read"),
]
