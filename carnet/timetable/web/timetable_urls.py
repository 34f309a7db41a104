"""URLs of the timetable part."""
from django.urls import path  # noqa: F401

urlpatterns: list = []
