"""Refusals of an import, with stable codes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carnet.core.errors import Conflict, ValidationFailed


class ImportFileRejected(ValidationFailed):
    """The file as a whole cannot be read: wrong format, too large, empty, missing columns."""

    code = "import_file_rejected"
    default_message = _("Ce fichier ne peut pas être importé.")


class ImportInvalid(ValidationFailed):
    """Some lines are not valid; `plan.problems` lists them. Nothing was written."""

    code = "import_invalid"
    default_message = _("Le fichier contient des erreurs ; rien n'a été enregistré.")

    def __init__(self, plan, message=None):
        self.plan = plan
        super().__init__(message, details=[p.as_dict() for p in plan.problems])


class ImportOutdated(Conflict):
    """The establishment's data changed between the preview and the apply."""

    code = "import_outdated"
    default_message = _(
        "Les données de l'établissement ont changé depuis l'aperçu : vérifiez le nouvel aperçu avant d'appliquer."
    )
