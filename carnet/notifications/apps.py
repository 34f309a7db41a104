from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "carnet.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from carnet.identity import hooks
        from carnet.notifications.kinds import register_foundation_kinds
        from carnet.notifications.receivers import on_security_event
        from carnet.ui import navigation

        register_foundation_kinds()
        if on_security_event not in hooks.security_event_listeners:
            hooks.security_event_listeners.append(on_security_event)
        navigation.register("notifications", _("Notifications"), "notifications:centre", "bell", order=90)
