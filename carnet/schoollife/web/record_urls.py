"""URLs of the record part."""
from django.urls import path  # noqa: F401

urlpatterns: list = []
