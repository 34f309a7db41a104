from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "carnet.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from carnet.notifications.kinds import register_foundation_kinds
        from carnet.ui import navigation

        register_foundation_kinds()
        navigation.register("notifications", _("Notifications"), "notifications:centre", "bell", order=90)
