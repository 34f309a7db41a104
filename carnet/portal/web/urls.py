from django.urls import path

from carnet.portal.web import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("profil/", views.profile, name="profile"),
    path("annuaire/", views.directory, name="directory"),
]
