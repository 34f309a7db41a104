"""URLs of the booking part."""
from django.urls import path  # noqa: F401

urlpatterns: list = []
