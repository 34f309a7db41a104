from django.shortcuts import render
from django.urls import path

app_name = "notifications"


def centre(request):
    return render(request, "portal/home.html", {})


urlpatterns = [path("", centre, name="centre")]
