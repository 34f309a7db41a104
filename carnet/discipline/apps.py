from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "carnet.discipline"
    label = "discipline"
    verbose_name = "Discipline"

    def ready(self) -> None:
        from carnet.discipline import registry

        registry.register_all()
