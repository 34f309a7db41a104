"""What the discipline pages share: the establishment a page is about, the filters of the lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from carnet.core.http import uuid_or_404
from carnet.discipline.models import Incident, Measure, MeasureType
from carnet.school.models import Establishment, SchoolClass
from carnet.school.policies import classes_visible_to

PAGE_SIZE = 50


def choose_establishment(request, ids) -> tuple[Establishment, list[Establishment]]:
    """The establishment a page is about, among `ids` (403 when empty): the one named by
    `?etablissement=` (404 if not among them), else the first by name."""
    if not ids:
        raise PermissionDenied
    establishments = list(Establishment.objects.filter(id__in=ids).order_by("name"))
    chosen = request.POST.get("etablissement") or request.GET.get("etablissement")
    if chosen:
        wanted = uuid_or_404(chosen)
        for establishment in establishments:
            if establishment.public_id == wanted:
                return establishment, establishments
        raise Http404
    return establishments[0], establishments


def establishment_query(establishment, establishments, *, first: bool = True) -> str:
    """ "?etablissement=…" (or "&…") for a person with several establishments, else ""."""
    if len(establishments) < 2:
        return ""
    return ("?" if first else "&") + f"etablissement={establishment.public_id}"


def parse_day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@dataclass
class Filters:
    """The filters of a list page, read from the query string (unknown values are ignored)."""

    school_class: SchoolClass | None = None
    student: Any = None
    seriousness: int | None = None
    category: str = ""
    status: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    classes: list[SchoolClass] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(
            self.school_class
            or self.student
            or self.seriousness
            or self.category
            or self.status
            or self.since
            or self.until
        )


def read_filters(request, establishment, *, students) -> Filters:
    """`classe`, `eleve` (public ids: 404 when outside what the person sees), `gravite`, `type`,
    `suivi`, `du`, `au`."""
    data = request.GET
    filters = Filters()
    filters.classes = list(
        classes_visible_to(request.user)
        .filter(establishment=establishment)
        .select_related("level")
        .order_by("level__rank", "name")
    )
    if data.get("classe"):
        wanted = uuid_or_404(data["classe"])
        filters.school_class = next((c for c in filters.classes if c.public_id == wanted), None)
        if filters.school_class is None:
            raise Http404
    if data.get("eleve"):
        filters.student = students.filter(public_id=uuid_or_404(data["eleve"])).first()
        if filters.student is None:
            raise Http404
    try:
        seriousness = int(data.get("gravite") or 0)
    except ValueError:
        seriousness = 0
    filters.seriousness = seriousness if seriousness in Incident.Seriousness.values else None
    filters.category = data.get("type", "") if data.get("type") in MeasureType.Category.values else ""
    filters.status = data.get("suivi", "") if data.get("suivi") in Measure.Status.values else ""
    filters.since = parse_day(data.get("du"))
    filters.until = parse_day(data.get("au"))
    return filters
