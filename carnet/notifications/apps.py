from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "carnet.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from carnet.identity import hooks
        from carnet.notifications import checks  # noqa: F401 - registers the start-up checks
        from carnet.notifications.kinds import register_foundation_kinds
        from carnet.notifications.receivers import on_security_event, on_signed_out
        from carnet.ui import navigation

        register_foundation_kinds()
        if on_security_event not in hooks.security_event_listeners:
            hooks.security_event_listeners.append(on_security_event)
        user_logged_out.connect(on_signed_out, dispatch_uid="notifications.push.signed_out")
        navigation.register("notifications", _("Notifications"), "notifications:centre", "bell", order=90)
