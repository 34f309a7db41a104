from django.apps import AppConfig


class SchoollifeConfig(AppConfig):
    name = "carnet.schoollife"
    label = "schoollife"
    verbose_name = "School life"

    def ready(self) -> None:
        from carnet.schoollife import registry

        registry.register_all()
