"""Password rules per current guidance (NIST SP 800-63B, ANSSI): length, no composition rules,
and refusal of the passwords people pick most often, including French and Beninese favourites."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from carnet.identity.names import fold

# Django's CommonPasswordValidator carries 20,000 English-leaning entries; these are the local ones.
LOCAL_COMMON = {
    "azerty", "azertyuiop", "azerty123", "azerty1234", "motdepasse", "motdepasse1", "motdepasse123",
    "soleil", "soleil123", "bonjour", "bonjour123", "doudou", "chouchou", "loulou", "marseille",
    "jetaime", "jetaime123", "1234567890", "0123456789", "carnet", "carnet123", "carnet2026",
    "cotonou", "cotonou123", "porto-novo", "benin", "benin123", "benin229", "france", "france123",
    "ecole", "ecole123", "college", "lycee", "lycee123", "professeur", "eleve", "eleve123",
    "parent", "parent123", "password1", "azertyazerty", "qwertyuiop", "1111111111", "0000000000",
}


class FrenchCommonPasswordValidator:
    def validate(self, password: str, user=None) -> None:
        folded = fold(password).replace(" ", "")
        if folded in LOCAL_COMMON or folded.rstrip("0123456789!.") in LOCAL_COMMON:
            raise ValidationError(_("Ce mot de passe est trop courant."), code="password_too_common")

    def get_help_text(self) -> str:
        return _("Évitez les mots de passe courants (azerty, motdepasse, soleil…).")
