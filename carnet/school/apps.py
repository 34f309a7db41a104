from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolConfig(AppConfig):
    name = "carnet.school"
    label = "school"
    verbose_name = "School"

    def ready(self) -> None:
        from carnet.identity import hooks
        from carnet.school.roles import roles_of
        from carnet.school.services import accounts
        from carnet.school.web.imports import register_navigation
        from carnet.ui import navigation

        register_navigation()

        if accounts.staff_totp_required not in hooks.totp_required_checks:
            hooks.totp_required_checks.append(accounts.staff_totp_required)
        navigation.register(
            "accounts",
            _("Comptes"),
            "school:accounts",
            "key",
            order=80,
            match=("school:account", "school:activation_sheets"),
            visible=lambda request: accounts.manages_accounts(request.user),
        )
        navigation.register("calendar", _("Année scolaire"), "school:calendar", "calendar", order=85, match=("school:calendar",), visible=lambda request: bool(roles_of(request.user).administrative_establishment_ids))
