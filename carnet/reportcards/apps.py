from django.apps import AppConfig


class ReportcardsConfig(AppConfig):
    name = "carnet.reportcards"
    label = "reportcards"
    verbose_name = "Report cards"

    def ready(self) -> None:
        from carnet.reportcards import registry

        registry.register_all()
        _plug_attendance()


def _plug_attendance() -> None:
    """Absence figures for report cards and the class council, from attendance (which neither
    reportcards' content nor grades may import): registered once, here."""
    from carnet.attendance.summaries import council_absence_counts, report_card_absences
    from carnet.grades import hooks as grades_hooks
    from carnet.reportcards import hooks

    if report_card_absences not in hooks.absence_summary_providers:
        hooks.absence_summary_providers.append(report_card_absences)
    if council_absence_counts not in grades_hooks.absence_count_providers:
        grades_hooks.absence_count_providers.append(council_absence_counts)
