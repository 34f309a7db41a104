"""The establishment's attendance settings, its list of absence reasons and its alert rules, for
the school-life managers (`policies.can_manage_attendance`).

Defaults are created lazily, the first time something reads them: `AttendanceSettings` (one row),
the reasons of the establishment's country (when it has none: reasons are never deleted, only put
out of service, so "none" means "never seeded") and two alert rules (when it has none, for the same
reason: rules are switched off, never deleted, so their watch entries keep their history).

Audit actions: "attendance.settings_updated", "attendance.reason_created",
"attendance.reason_updated", "attendance.reasons_reordered", "attendance.rule_created",
"attendance.rule_updated" (each with old -> new values)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from carnet.attendance.models import AbsenceReason, AlertRule, AttendanceSettings
from carnet.attendance.policies import ensure_can_manage_attendance
from carnet.audit.services import diff, record
from carnet.core.errors import ValidationFailed
from carnet.school.models import Country

#: (label, justifies) per country, in display order. The labels are data (kept in the
#: establishment's language, French for both countries), not interface text.
DEFAULT_REASONS: dict[str, list[tuple[str, bool]]] = {
    Country.FRANCE: [
        ("Maladie", True),
        ("Rendez-vous médical", True),
        ("Raison familiale", True),
        ("Transport", True),
        ("Convocation officielle", True),
        ("Autre (non recevable)", False),
    ],
    Country.BENIN: [
        ("Maladie", True),
        ("Consultation médicale", True),
        ("Raison familiale", True),
        ("Deuil", True),
        ("Transport", True),
        ("Convocation officielle", True),
        ("Autre (non recevable)", False),
    ],
}

#: (kind, threshold, window in days): the issue's examples.
DEFAULT_RULES: list[tuple[str, int, int]] = [
    (AlertRule.Kind.UNJUSTIFIED_HALF_DAYS, 4, 30),
    (AlertRule.Kind.CONSECUTIVE_DAYS, 3, 30),
]

SETTINGS_FIELDS = (
    "afternoon_starts_at",
    "late_as_absence_minutes",
    "notify_guardians_same_day",
    "register_reminder_minutes",
    "correction_same_day_only",
)
MAX_LATE_MINUTES = 240
MAX_REMINDER_MINUTES = 240
MAX_THRESHOLD = 500
MAX_WINDOW_DAYS = 366


# --- time of the establishment ------------------------------------------------------------------
def zone_of(establishment) -> ZoneInfo:
    try:
        return ZoneInfo(establishment.time_zone or django_settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(django_settings.TIME_ZONE)


def day_start(establishment, day: dt.date) -> dt.datetime:
    """Local midnight of `day` in the establishment's time zone (aware)."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone_of(establishment))


def days_range(establishment, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[local midnight of `first`, local midnight of the day after `last`): aware bounds."""
    return day_start(establishment, first), day_start(establishment, last + dt.timedelta(days=1))


def closed_days(establishment, first: dt.date, last: dt.date) -> set[dt.date]:
    """Holidays and closed days of the establishment's calendar between `first` and `last`."""
    from carnet.school.models import CalendarEvent

    days: set[dt.date] = set()
    events = CalendarEvent.objects.filter(
        establishment=establishment,
        kind__in=(CalendarEvent.Kind.HOLIDAY, CalendarEvent.Kind.CLOSED),
        starts_on__lte=last,
        ends_on__gte=first,
    ).values_list("starts_on", "ends_on")
    for start, end in events:
        day = max(start, first)
        while day <= min(end, last):
            days.add(day)
            day += dt.timedelta(days=1)
    return days


def school_day_test(establishment, first: dt.date, last: dt.date):
    """`counts_day(day)` for `counting.half_days` over a range typed by a person (a staff entry, a
    guardian's declaration): Monday to Friday, outside holidays and closed days. One query."""
    closed = closed_days(establishment, first, last)
    return lambda day: day.weekday() < 5 and day not in closed


# --- reading, with lazy defaults ----------------------------------------------------------------
def settings_for(establishment) -> AttendanceSettings:
    """The establishment's settings row, created with the defaults on first read."""
    row = AttendanceSettings.objects.filter(establishment=establishment).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return AttendanceSettings.objects.create(establishment=establishment)
    except IntegrityError:  # created by a concurrent request
        return AttendanceSettings.objects.get(establishment=establishment)


def ensure_default_reasons(establishment) -> None:
    if AbsenceReason.objects.filter(establishment=establishment).exists():
        return
    rows = DEFAULT_REASONS.get(establishment.country, DEFAULT_REASONS[Country.FRANCE])
    AbsenceReason.objects.bulk_create(
        [
            AbsenceReason(establishment=establishment, label=label, justifies=justifies, position=index)
            for index, (label, justifies) in enumerate(rows)
        ],
        ignore_conflicts=True,
    )


def ensure_default_rules(establishment) -> None:
    if AlertRule.objects.filter(establishment=establishment).exists():
        return
    AlertRule.objects.bulk_create(
        [
            AlertRule(establishment=establishment, kind=kind, threshold=threshold, window_days=window)
            for kind, threshold, window in DEFAULT_RULES
        ]
    )


def reasons_of(establishment, *, active_only: bool = False) -> list[AbsenceReason]:
    """The establishment's reasons in their order (the country's defaults the first time)."""
    ensure_default_reasons(establishment)
    rows = AbsenceReason.objects.filter(establishment=establishment)
    if active_only:
        rows = rows.filter(is_active=True)
    return list(rows.order_by("position", "label", "id"))


def rules_of(establishment, *, active_only: bool = False) -> list[AlertRule]:
    ensure_default_rules(establishment)
    rows = AlertRule.objects.filter(establishment=establishment)
    if active_only:
        rows = rows.filter(is_active=True)
    return list(rows.order_by("kind", "threshold", "id"))


def active_reason(establishment, public_id) -> AbsenceReason | None:
    """An active reason of the establishment by its public id; None for an empty id. A reason of
    another establishment, or out of service, is refused (ValidationFailed on field "reason")."""
    if not public_id:
        return None
    reason = AbsenceReason.objects.filter(
        establishment=establishment, public_id=public_id, is_active=True
    ).first()
    if reason is None:
        message = _("Choisissez un motif de la liste.")
        raise ValidationFailed(message, details={"reason": message})
    return reason


# --- writes -------------------------------------------------------------------------------------
def _validate_settings(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    minutes = values.get("late_as_absence_minutes")
    if minutes is not None and not 0 <= int(minutes) <= MAX_LATE_MINUTES:
        errors["late_as_absence_minutes"] = _("Entre 0 et %(max)s minutes.") % {"max": MAX_LATE_MINUTES}
    reminder = values.get("register_reminder_minutes")
    if reminder is not None and not 1 <= int(reminder) <= MAX_REMINDER_MINUTES:
        errors["register_reminder_minutes"] = _("Entre 1 et %(max)s minutes.") % {"max": MAX_REMINDER_MINUTES}
    afternoon = values.get("afternoon_starts_at")
    if afternoon is not None and not dt.time(10, 0) <= afternoon <= dt.time(16, 0):
        errors["afternoon_starts_at"] = _("L'après-midi commence entre 10:00 et 16:00.")
    if errors:
        raise ValidationFailed(_("Vérifiez les réglages signalés ; rien n'a été enregistré."), details=errors)


def update_settings(*, actor, establishment, values: dict[str, Any]) -> tuple[AttendanceSettings, dict]:
    """Change some of SETTINGS_FIELDS; returns the row and the changes {field: (old, new)}."""
    ensure_can_manage_attendance(actor, establishment)
    values = {k: v for k, v in values.items() if k in SETTINGS_FIELDS and v is not None}
    _validate_settings(values)
    with transaction.atomic():
        row = settings_for(establishment)
        row = AttendanceSettings.objects.select_for_update().get(pk=row.pk)
        changes = diff(row, list(SETTINGS_FIELDS), values)
        if not changes:
            return row, {}
        for field, (_old, new) in changes.items():
            setattr(row, field, new)
        row.save(update_fields=list(changes))
        record(
            actor=actor,
            action="attendance.settings_updated",
            obj=row,
            establishment=establishment,
            changes=changes,
            object_repr=str(_("Réglages des absences")),
        )
    return row, changes


def _clean_label(label: str) -> str:
    text = " ".join((label or "").split())
    if not text:
        message = _("Donnez le libellé du motif.")
        raise ValidationFailed(message, details={"label": message})
    if len(text) > 80:
        message = _("80 caractères au plus.")
        raise ValidationFailed(message, details={"label": message})
    return text


def _ensure_label_free(establishment, label: str, *, exclude_pk=None) -> None:
    taken = AbsenceReason.objects.filter(establishment=establishment, label__iexact=label)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        message = _("Le motif « %(label)s » existe déjà.") % {"label": label}
        raise ValidationFailed(message, details={"label": message})


def add_reason(*, actor, establishment, label: str, justifies: bool) -> AbsenceReason:
    ensure_can_manage_attendance(actor, establishment)
    text = _clean_label(label)
    ensure_default_reasons(establishment)
    with transaction.atomic():
        _ensure_label_free(establishment, text)
        last = AbsenceReason.objects.filter(establishment=establishment).order_by("-position").first()
        reason = AbsenceReason.objects.create(
            establishment=establishment,
            label=text,
            justifies=justifies,
            position=(last.position + 1) if last else 0,
        )
        record(
            actor=actor,
            action="attendance.reason_created",
            obj=reason,
            establishment=establishment,
            changes={"label": (None, text), "justifies": (None, justifies)},
        )
    return reason


def update_reason(*, actor, reason: AbsenceReason, label: str, justifies: bool, is_active: bool) -> dict:
    """Rename, say whether it justifies, put in or out of service. Returns the changes."""
    establishment = reason.establishment
    ensure_can_manage_attendance(actor, establishment)
    text = _clean_label(label)
    with transaction.atomic():
        _ensure_label_free(establishment, text, exclude_pk=reason.pk)
        changes = diff(
            reason,
            ["label", "justifies", "is_active"],
            {"label": text, "justifies": justifies, "is_active": is_active},
        )
        if changes:
            for field, (_old, new) in changes.items():
                setattr(reason, field, new)
            reason.save(update_fields=list(changes))
            record(
                actor=actor,
                action="attendance.reason_updated",
                obj=reason,
                establishment=establishment,
                changes=changes,
            )
    return changes


def move_reason(*, actor, reason: AbsenceReason, direction: str) -> bool:
    """Swap the reason with its neighbour ("up" or "down"); False when already at that end."""
    establishment = reason.establishment
    ensure_can_manage_attendance(actor, establishment)
    if direction not in ("up", "down"):
        raise ValidationFailed(_("Sens inconnu."))
    with transaction.atomic():
        rows = list(
            AbsenceReason.objects.select_for_update()
            .filter(establishment=establishment)
            .order_by("position", "label", "id")
        )
        index = next(i for i, row in enumerate(rows) if row.pk == reason.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(rows):
            return False
        before = [row.label for row in rows]
        rows[index], rows[other] = rows[other], rows[index]
        for position, row in enumerate(rows):
            row.position = position
        AbsenceReason.objects.bulk_update(rows, ["position"])
        record(
            actor=actor,
            action="attendance.reasons_reordered",
            obj=reason,
            establishment=establishment,
            changes={"order": (before, [row.label for row in rows])},
        )
    return True


def _validate_rule(kind: str, threshold: int, window_days: int) -> None:
    errors: dict[str, str] = {}
    if kind not in AlertRule.Kind.values:
        errors["kind"] = _("Type d'alerte inconnu.")
    if not 1 <= threshold <= MAX_THRESHOLD:
        errors["threshold"] = _("Un seuil entre 1 et %(max)s.") % {"max": MAX_THRESHOLD}
    if not 1 <= window_days <= MAX_WINDOW_DAYS:
        errors["window_days"] = _("Une période entre 1 et %(max)s jours.") % {"max": MAX_WINDOW_DAYS}
    if errors:
        raise ValidationFailed(_("Vérifiez la règle d'alerte ; rien n'a été enregistré."), details=errors)


def add_rule(*, actor, establishment, kind: str, threshold: int, window_days: int) -> AlertRule:
    ensure_can_manage_attendance(actor, establishment)
    _validate_rule(kind, threshold, window_days)
    ensure_default_rules(establishment)
    with transaction.atomic():
        rule = AlertRule.objects.create(
            establishment=establishment, kind=kind, threshold=threshold, window_days=window_days
        )
        record(
            actor=actor,
            action="attendance.rule_created",
            obj=rule,
            establishment=establishment,
            changes={
                "kind": (None, kind),
                "threshold": (None, threshold),
                "window_days": (None, window_days),
            },
            object_repr=str(rule.get_kind_display()),
        )
    return rule


def update_rule(*, actor, rule: AlertRule, threshold: int, window_days: int, is_active: bool) -> dict:
    establishment = rule.establishment
    ensure_can_manage_attendance(actor, establishment)
    _validate_rule(rule.kind, threshold, window_days)
    with transaction.atomic():
        changes = diff(
            rule,
            ["threshold", "window_days", "is_active"],
            {"threshold": threshold, "window_days": window_days, "is_active": is_active},
        )
        if changes:
            for field, (_old, new) in changes.items():
                setattr(rule, field, new)
            rule.save(update_fields=list(changes))
            record(
                actor=actor,
                action="attendance.rule_updated",
                obj=rule,
                establishment=establishment,
                changes=changes,
                object_repr=str(rule.get_kind_display()),
            )
    return changes
