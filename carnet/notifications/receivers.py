"""What notifications does when lower layers report something (they cannot call us directly)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from carnet.notifications import services
from carnet.notifications.services.push import forget_browser_at_sign_out


def on_security_event(user, event: str, details: dict) -> None:
    """Tell a person at once about a sign-in from a new browser or a password change, with a way
    to react (the sessions page)."""
    with override(getattr(user, "language", "") or "fr"):
        if event == "new_device":
            title = _("Nouvelle connexion à votre compte")
            body = _("Connexion depuis %(device)s (adresse %(address)s). Si ce n'est pas vous, changez votre mot de passe et fermez cette session.") % {
                "device": details.get("device") or _("un appareil inconnu"),
                "address": details.get("address") or "?",
            }
        elif event == "password_changed":
            title = _("Votre mot de passe a été changé")
            body = _("Si ce n'est pas vous, utilisez « Mot de passe oublié » tout de suite et prévenez l'établissement.")
        else:
            return
    services.notify(recipients=[user], kind="account.security", title=title, body=body, url=reverse("identity:sessions"))


def on_signed_out(sender, request, user, **kwargs) -> None:
    """Django's `user_logged_out`: the browser that signs out stops receiving this person's pushes."""
    forget_browser_at_sign_out(user=user, session=getattr(request, "session", None))
