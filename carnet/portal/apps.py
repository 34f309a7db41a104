from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "carnet.portal"
    label = "portal"

    def ready(self) -> None:
        from carnet.portal.home import register_foundation_widgets
        from carnet.ui import navigation

        navigation.register("home", _("Accueil"), "portal:home", "home", order=0)
        navigation.register("directory", _("Annuaire"), "portal:directory", "users", order=10)
        register_foundation_widgets()
