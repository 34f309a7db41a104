"""What the council pages share: the scopes that answer 404, the period of a class."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from carnet.grades.services.council import classes_with_results_visible_to
from carnet.school.models import Period, SchoolClass


def period_of(school_class: SchoolClass, period_id) -> Period:
    return get_object_or_404(Period, public_id=period_id, school_year_id=school_class.school_year_id)


def class_and_period(actor, class_id, period_id) -> tuple[SchoolClass, Period]:
    school_class = get_object_or_404(
        classes_with_results_visible_to(actor).select_related("establishment", "school_year", "level"), public_id=class_id
    )
    return school_class, period_of(school_class, period_id)


def optional_version(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as error:
        raise Http404 from error

