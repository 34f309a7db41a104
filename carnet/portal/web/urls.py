from django.urls import path

from carnet.portal.web import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("enfant/", views.switch_child, name="switch_child"),
    path("profil/", views.profile, name="profile"),
    path("annuaire/", views.directory, name="directory"),
]
