from django.apps import AppConfig


class GradesConfig(AppConfig):
    name = "carnet.grades"
    label = "grades"
    verbose_name = "Grades"

    def ready(self) -> None:
        from carnet.grades import registry

        registry.register_all()
