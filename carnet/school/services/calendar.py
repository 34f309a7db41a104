"""The school year of an establishment as its staff manage it: evaluation periods (semesters or
trimesters) and the holiday calendar (holidays, closed days, exceptional days), kept apart.

Who: every administrative function reads it; the head and the deputies change it
(`can_edit_calendar`). Every change is audited with its old and new values."""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from carnet.audit import services as audit
from carnet.core.errors import PermissionDenied, ValidationFailed
from carnet.school.models import CalendarEvent, Establishment, Period, SchoolYear, StaffFunction
from carnet.school.roles import roles_of
from carnet.school.services.setup import PERIOD_COUNTS, default_periods

EDITORS = (StaffFunction.Kind.HEAD, StaffFunction.Kind.DEPUTY)


# --- policy and scopes ---------------------------------------------------------------------------
def can_edit_calendar(actor, establishment) -> bool:
    """The head and the deputies of `establishment` change its periods and its calendar."""
    return roles_of(actor).has_function(establishment.pk, *EDITORS)


def ensure_can_edit_calendar(actor, establishment) -> None:
    if not can_edit_calendar(actor, establishment):
        raise PermissionDenied()


def current_years_visible_to(actor) -> QuerySet[SchoolYear]:
    """The current school years of the establishments `actor` administers, with their periods and
    calendar events (three queries whatever their number)."""
    return (
        SchoolYear.objects.filter(is_current=True, establishment_id__in=roles_of(actor).administrative_establishment_ids)
        .select_related("establishment")
        .prefetch_related(
            Prefetch("periods", queryset=Period.objects.order_by("number")),
            Prefetch("calendar_events", queryset=CalendarEvent.objects.order_by("starts_on", "ends_on", "name")),
        )
        .order_by("establishment__name")
    )


def calendar_events_visible_to(actor) -> QuerySet[CalendarEvent]:
    return CalendarEvent.objects.filter(
        establishment_id__in=roles_of(actor).administrative_establishment_ids, school_year__is_current=True
    ).select_related("establishment", "school_year")


# --- periods -------------------------------------------------------------------------------------
def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def period_problems(school_year: SchoolYear, rows: list[dict]) -> list[str]:
    """What is wrong with `rows` (in period order; each {"name", "starts_on", "ends_on"}): each
    period ends after it starts, lies inside the year, and starts after the previous one ends."""
    problems = []
    previous = None
    for row in rows:
        name = row["name"] or "?"
        if not row["name"].strip():
            problems.append(_("Chaque période doit avoir un nom."))
        if row["ends_on"] <= row["starts_on"]:
            problems.append(_("« %(name)s » doit se terminer après son début.") % {"name": name})
        if row["starts_on"] < school_year.starts_on or row["ends_on"] > school_year.ends_on:
            problems.append(
                _("« %(name)s » doit se situer dans l'année scolaire, du %(start)s au %(end)s.")
                % {"name": name, "start": _day(school_year.starts_on), "end": _day(school_year.ends_on)}
            )
        if previous is not None and row["starts_on"] <= previous["ends_on"]:
            problems.append(
                _("« %(name)s » doit commencer après la fin de « %(previous)s » (le %(end)s).")
                % {"name": name, "previous": previous["name"], "end": _day(previous["ends_on"])}
            )
        previous = row
    return problems


def update_periods(*, actor, school_year: SchoolYear, rows: list[dict]) -> list[Period]:
    """Rename and re-date the periods of `school_year`. `rows`: one {"name", "starts_on", "ends_on"}
    per period, in number order. Raises ValidationFailed (details: the list of problems, each naming
    its period) and changes nothing then. Returns the periods that changed."""
    ensure_can_edit_calendar(actor, school_year.establishment)
    with transaction.atomic():
        periods = list(Period.objects.select_for_update().filter(school_year=school_year).order_by("number"))
        if len(rows) != len(periods):
            raise ValidationFailed(_("Les périodes ont changé entre-temps ; rechargez la page."))
        rows = [{**row, "name": row["name"].strip()} for row in rows]
        problems = period_problems(school_year, rows)
        if problems:
            raise ValidationFailed(problems[0], details=problems)
        changed = []
        for period, row in zip(periods, rows, strict=True):
            changes = audit.diff(period, ["name", "starts_on", "ends_on"], row)
            if not changes:
                continue
            for field, (_old, new) in changes.items():
                setattr(period, field, new)
            period.save(update_fields=list(changes))
            audit.record(
                actor=actor, action="period.update", obj=period, establishment=school_year.establishment, changes=changes
            )
            changed.append(period)
    return changed


def periods_in_use(periods) -> bool:
    """Whether any row protected from deletion (assessments, appraisals, councils, conduct marks,
    report cards… of upper apps, which school does not import) refers to one of `periods`: every
    reverse relation of Period with on_delete PROTECT or RESTRICT is checked, hidden ones included."""
    for relation in Period._meta.get_fields(include_hidden=True):
        if not isinstance(relation, models.ManyToOneRel) or relation.related_model is None:
            continue
        if relation.on_delete not in (models.PROTECT, models.RESTRICT):
            continue
        model: type[models.Model] = relation.related_model  # type: ignore[assignment]
        related = model._base_manager.filter(**{f"{relation.field.name}__in": periods})
        if related.exists():
            return True
    return False


def change_period_scheme(*, actor, school_year: SchoolYear, kind: str) -> list[Period]:
    """Replace the periods of `school_year` by 2 semesters or 3 trimesters with the default dates.
    Refuses (ValidationFailed) once anything refers to the year's periods (marks, appraisals,
    councils, report cards): their periods can then only be renamed and re-dated."""
    establishment = school_year.establishment
    ensure_can_edit_calendar(actor, establishment)
    if kind not in PERIOD_COUNTS:
        raise ValidationFailed(_("Découpage inconnu : semestres ou trimestres."))
    with transaction.atomic():
        old = list(Period.objects.select_for_update().filter(school_year=school_year).order_by("number"))
        if old and all(p.kind == kind for p in old) and len(old) == PERIOD_COUNTS[kind]:
            return []
        if old and periods_in_use(old):
            raise ValidationFailed(
                _(
                    "Impossible de changer de découpage : des évaluations, notes, appréciations, conseils de "
                    "classe ou bulletins sont déjà rattachés aux périodes de cette année. Vous pouvez encore "
                    "renommer les périodes et changer leurs dates."
                )
            )
        Period.objects.filter(school_year=school_year).delete()
        periods = Period.objects.bulk_create(
            [
                Period(establishment=establishment, school_year=school_year, kind=kind, **spec)
                for spec in default_periods(
                    country=establishment.country,
                    kind=kind,
                    starts_on=school_year.starts_on,
                    ends_on=school_year.ends_on,
                    language=establishment.language,
                )
            ]
        )
        audit.record(
            actor=actor,
            action="period.scheme_change",
            obj=school_year,
            establishment=establishment,
            changes={
                "kind": (old[0].kind if old else None, kind),
                "periods": (
                    [f"{p.name} ({p.starts_on.isoformat()} → {p.ends_on.isoformat()})" for p in old],
                    [f"{p.name} ({p.starts_on.isoformat()} → {p.ends_on.isoformat()})" for p in periods],
                ),
            },
        )
    return periods


# --- holiday calendar ----------------------------------------------------------------------------
def add_calendar_event(
    *, actor, school_year: SchoolYear, kind: str, name: str, starts_on: dt.date, ends_on: dt.date
) -> CalendarEvent:
    """Add holidays, a closed day or an exceptional day to the calendar of `school_year`."""
    establishment = school_year.establishment
    ensure_can_edit_calendar(actor, establishment)
    name = (name or "").strip()
    if kind not in CalendarEvent.Kind.values:
        raise ValidationFailed(_("Type inconnu."))
    if not name:
        raise ValidationFailed(_("Donnez un nom à cet événement."))
    if ends_on < starts_on:
        raise ValidationFailed(_("La date de fin doit être le même jour que le début ou après."))
    if starts_on < school_year.starts_on or ends_on > school_year.ends_on:
        raise ValidationFailed(
            _("Les dates doivent se situer dans l'année scolaire, du %(start)s au %(end)s.")
            % {"start": _day(school_year.starts_on), "end": _day(school_year.ends_on)}
        )
    with transaction.atomic():
        event = CalendarEvent.objects.create(
            establishment=establishment, school_year=school_year, kind=kind, name=name, starts_on=starts_on, ends_on=ends_on
        )
        audit.record(
            actor=actor,
            action="calendar_event.create",
            obj=event,
            object_repr=name,
            establishment=establishment,
            changes={"name": (None, name), "kind": (None, kind), "starts_on": (None, starts_on), "ends_on": (None, ends_on)},
        )
    return event


def delete_calendar_event(*, actor, event: CalendarEvent) -> None:
    establishment: Establishment = event.establishment
    ensure_can_edit_calendar(actor, establishment)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="calendar_event.delete",
            obj=event,
            object_repr=event.name,
            establishment=establishment,
            changes={
                "name": (event.name, None),
                "kind": (event.kind, None),
                "starts_on": (event.starts_on, None),
                "ends_on": (event.ends_on, None),
            },
        )
        event.delete()
