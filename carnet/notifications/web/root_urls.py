"""Notification URLs that must sit at the site's root: the service worker, whose scope is the
folder it is served from (config/urls.py includes this module at "")."""

from django.urls import path

from carnet.notifications.web import push

urlpatterns = [
    path("sw.js", push.service_worker, name="push_service_worker"),
]
