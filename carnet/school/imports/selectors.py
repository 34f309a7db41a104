"""Reads for the imports pages, starting from what the person may see."""

from __future__ import annotations

from django.db.models import QuerySet

from carnet.school.models import Establishment, ImportRun
from carnet.school.policies import ACCOUNT_MANAGERS
from carnet.school.roles import roles_of


def importable_establishments(actor) -> QuerySet[Establishment]:
    """Establishments where `actor` may import (`policies.can_import`), as one query."""
    roles = roles_of(actor)
    ids = [e for e, kinds in roles.functions.items() if kinds & ACCOUNT_MANAGERS]
    return Establishment.objects.filter(id__in=ids).order_by("name")


def can_import_somewhere(actor) -> bool:
    """No query beyond the person's roles, which are cached for the request."""
    return any(kinds & ACCOUNT_MANAGERS for kinds in roles_of(actor).functions.values())


def runs_visible_to(actor) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(establishment__in=importable_establishments(actor)).select_related(
        "actor", "establishment"
    )
