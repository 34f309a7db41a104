from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "carnet.attendance"
    label = "attendance"
    verbose_name = "Attendance"

    def ready(self) -> None:
        from carnet.attendance import receivers, registry

        registry.register_all()
        receivers.connect()
