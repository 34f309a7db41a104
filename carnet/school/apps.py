from django.apps import AppConfig


class SchoolConfig(AppConfig):
    name = "carnet.school"
    label = "school"
    verbose_name = "School"
