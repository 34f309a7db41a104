"""Domain errors: every refusal a service can give has a stable code and a translated message.

Pages show the message; the API returns `{"code": ..., "message": ..., "details": ...}` with the
status below. Codes never change once published; messages may be reworded."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "error"
    status = 400
    default_message: Any = _("La demande n'a pas pu être traitée.")

    def __init__(self, message: Any = None, *, details: Any = None) -> None:
        self.message = message if message is not None else self.default_message
        self.details = details
        super().__init__(str(self.message))


class ValidationFailed(DomainError):
    code = "validation_failed"
    status = 422
    default_message = _("Certaines valeurs ne sont pas valides.")


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403
    default_message = _("Vous n'avez pas le droit de faire cela.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Introuvable.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("Cette donnée a été modifiée entre-temps ; rechargez-la avant de recommencer.")


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_message = _("Trop de tentatives ; patientez un peu avant de réessayer.")
