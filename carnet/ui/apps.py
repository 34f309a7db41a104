from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "carnet.ui"
    label = "ui"
