"""Letter templates and their placeholders.

A placeholder is a name between braces, `{prenom}`; the known ones are in PLACEHOLDERS (shown on the
templates page). A template naming any other is refused with a French message naming them. Text
between braces that cannot be a placeholder name (a space, a line break, more than 40 characters)
is left as written."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from carnet.core.errors import ValidationFailed
from carnet.schoollife import policies
from carnet.schoollife.errors import UnknownPlaceholder
from carnet.schoollife.models import LetterTemplate

#: name -> what it becomes, in the order the templates page lists them.
PLACEHOLDERS: dict[str, object] = {
    "prenom": gettext_lazy("le prénom de l'élève"),
    "nom": gettext_lazy("le nom de famille de l'élève"),
    "classe": gettext_lazy("la classe de l'élève"),
    "date_debut": gettext_lazy("le premier jour de la période du courrier (« 1 septembre 2026 »)"),
    "date_fin": gettext_lazy("le dernier jour de la période du courrier"),
    "demi_journees": gettext_lazy("le nombre de demi-journées d'absence sur la période"),
    "demi_journees_non_justifiees": gettext_lazy("dont les demi-journées non justifiées"),
    "retards": gettext_lazy("le nombre de retards sur la période"),
    "resume": gettext_lazy("une phrase qui résume absences et retards de la période"),
}

PLACEHOLDER = re.compile(r"\{([^{}\s]{1,40})\}")

NAME_MAX = 80
SUBJECT_MAX = 200
BODY_MAX = 5000
SMS_MAX = 300


def placeholders_in(text: str) -> list[str]:
    return PLACEHOLDER.findall(text or "")


def check_placeholders(text: str, *, field: str) -> None:
    """Raise UnknownPlaceholder naming every unknown placeholder of `text` (in order, once each)."""
    unknown: list[str] = []
    for name in placeholders_in(text):
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    if unknown:
        names = ", ".join("{" + name + "}" for name in unknown)
        known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        raise UnknownPlaceholder(
            ngettext(
                "Champ inconnu : %(names)s. Les champs possibles sont : %(known)s.",
                "Champs inconnus : %(names)s. Les champs possibles sont : %(known)s.",
                len(unknown),
            )
            % {"names": names, "known": known},
            details={"field": field, "placeholders": ["{" + name + "}" for name in unknown]},
        )


def render(text: str, values: Mapping[str, object]) -> str:
    """`text` with each known placeholder replaced by its value (unknown ones are left as written;
    templates are checked before they are saved)."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        return str(values[name]) if name in values else match.group(0)

    return PLACEHOLDER.sub(replace, text or "")


def _clean(*, name: str, subject: str, body: str, sms_body: str) -> dict[str, str]:
    cleaned = {
        "name": " ".join((name or "").split()),
        "subject": " ".join((subject or "").split()),
        "body": (body or "").replace("\r\n", "\n").strip(),
        "sms_body": " ".join((sms_body or "").split()),
    }
    required = {
        "name": _("Donnez un nom au modèle."),
        "subject": _("L'objet est obligatoire."),
        "body": _("Le texte de la lettre est obligatoire."),
    }
    for field, message in required.items():
        if not cleaned[field]:
            raise ValidationFailed(message, details={"field": field})
    limits = {"name": NAME_MAX, "subject": SUBJECT_MAX, "body": BODY_MAX, "sms_body": SMS_MAX}
    for field, limit in limits.items():
        if len(cleaned[field]) > limit:
            raise ValidationFailed(
                _("%(count)d caractères au plus pour ce champ.") % {"count": limit}, details={"field": field}
            )
    for field in ("subject", "body", "sms_body"):
        check_placeholders(cleaned[field], field=field)
    return cleaned


def _name_taken(name: str) -> ValidationFailed:
    return ValidationFailed(
        _("Un modèle s'appelle déjà « %(name)s » : choisissez un autre nom.") % {"name": name},
        details={"field": "name"},
    )


def create_template(
    *, actor, establishment, name: str, subject: str, body: str, sms_body: str = ""
) -> LetterTemplate:
    """A new template (head, deputies, school life). Raises PermissionDenied, ValidationFailed
    (missing field, too long, name taken) or UnknownPlaceholder."""
    policies.ensure_school_life_staff(actor, establishment)
    cleaned = _clean(name=name, subject=subject, body=body, sms_body=sms_body)
    if LetterTemplate.objects.filter(establishment=establishment, name__iexact=cleaned["name"]).exists():
        raise _name_taken(cleaned["name"])
    try:
        with transaction.atomic():
            return LetterTemplate.objects.create(establishment=establishment, created_by=actor, **cleaned)
    except IntegrityError as error:
        raise _name_taken(cleaned["name"]) from error


def update_template(
    *, actor, template: LetterTemplate, name: str, subject: str, body: str, sms_body: str = ""
) -> LetterTemplate:
    """Change a template; mailings already prepared keep their own copy of the text."""
    policies.ensure_school_life_staff(actor, template.establishment)
    cleaned = _clean(name=name, subject=subject, body=body, sms_body=sms_body)
    if (
        LetterTemplate.objects.filter(establishment=template.establishment, name__iexact=cleaned["name"])
        .exclude(pk=template.pk)
        .exists()
    ):
        raise _name_taken(cleaned["name"])
    for field, value in cleaned.items():
        setattr(template, field, value)
    template.updated_at = timezone.now()
    template.version += 1
    template.save(update_fields=[*cleaned, "updated_at", "version"])
    return template


def delete_template(*, actor, template: LetterTemplate) -> None:
    policies.ensure_school_life_staff(actor, template.establishment)
    template.delete()
