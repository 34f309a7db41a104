from django.apps import AppConfig


class TimetableConfig(AppConfig):
    name = "carnet.timetable"
    label = "timetable"
    verbose_name = "Timetable"

    def ready(self) -> None:
        from carnet.timetable import registry

        registry.register_all()
