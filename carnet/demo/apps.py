from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "carnet.demo"
    label = "demo"
    verbose_name = "Démonstration"
