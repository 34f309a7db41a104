from django.apps import AppConfig


class ReportcardsConfig(AppConfig):
    name = "carnet.reportcards"
    label = "reportcards"
    verbose_name = "Report cards"

    def ready(self) -> None:
        from carnet.reportcards import registry

        registry.register_all()
