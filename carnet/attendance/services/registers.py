"""The roll call: saving a session's register, what a register page shows, the teacher's sessions
of the day (the registers not taken and the reminders are in `services/reminders.py`).

`save_register(*, actor, session, entries, version)` is the hot path the bench times ("saving a
register of 35 students while 20 teachers submit in the same minute"): a constant number of queries
whatever the class size (bulk writes), one transaction with the episodes' sync.

Optimistic concurrency: a register has a `version`. The page (or API client) sends the version it
showed — None when it showed no register. A save against another version raises RegisterConflict
naming who saved last and when, with their entries, so the person reloads their version or
deliberately saves theirs over it; the write is a conditional UPDATE on (pk, version), so two
people racing on SQLite or PostgreSQL cannot both win."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carnet.attendance import register_policies as policies
from carnet.attendance.models import AttendanceSettings, Exemption, Register, RegisterEntry
from carnet.attendance.services.episodes import (
    attendance_settings,
    audience_ids,
    local_today,
    sync_session,
    zone_of,
)
from carnet.audit import services as audit
from carnet.core.errors import Conflict, PermissionDenied, ValidationFailed
from carnet.timetable.models import Session

User = get_user_model()

ABSENT = RegisterEntry.Status.ABSENT
LATE = RegisterEntry.Status.LATE
PRESENT = "present"
STATUSES = (PRESENT, ABSENT, LATE)
MIN_LATE, MAX_LATE = 1, 240


class RegisterConflict(Conflict):
    """Someone saved the register since the version the client saw. `details`: {version, by, at,
    entries: [{student, status, minutes}]} — the register as it is now (`by`: full name of who
    saved it last, `at`: when, ISO 8601)."""

    code = "register_conflict"
    default_message = gettext_lazy(
        "L'appel a été enregistré entre-temps par quelqu'un d'autre : rechargez sa version."
    )


class RegisterClosed(PermissionDenied):
    """The register of a past day can no longer be taken or corrected by the teacher (the
    establishment allows corrections the same day only); school-life staff still can."""

    code = "register_closed"
    default_message = gettext_lazy(
        "L'appel de ce jour ne peut plus être fait ni corrigé : adressez-vous à la vie scolaire."
    )


# --- who is in the room ---------------------------------------------------------------------------
def students_of_session(session: Session) -> QuerySet:
    return User.objects.filter(id__in=audience_ids(session), is_active=True).order_by(
        "last_name", "first_name", "id"
    )


# --- labels ---------------------------------------------------------------------------------------
def status_label(status: str, minutes: int | None = None) -> str:
    if status == ABSENT:
        return _("Absent")
    if status == LATE:
        return _("Retard (%(minutes)s min)") % {"minutes": minutes}
    return _("Présent")


def session_label(session: Session) -> str:
    """ "2nde A · Mathématiques · 30/11 08:00" (needs assignment, its class/group and subject)."""
    assignment = session.assignment
    audience = assignment.school_class or assignment.group
    name = audience.name if audience else ""
    return f"{name} · {assignment.subject.name} · {formats.date_format(session.held_on, 'd/m')} {session.start_time:%H:%M}"


def local_time(moment: dt.datetime | None, establishment) -> str:
    if moment is None:
        return ""
    return moment.astimezone(zone_of(establishment)).strftime("%H:%M")


# --- rules ----------------------------------------------------------------------------------------
def _refusal(
    *, actor, session: Session, settings: AttendanceSettings, today: dt.date
) -> tuple[str, str] | None:
    """(why, French sentence) when `actor` may not take or correct this register now; why is
    "cancelled", "outside_year", "future" or "closed"."""
    if session.is_cancelled:
        return "cancelled", _("Cette séance est annulée : il n'y a pas d'appel à faire.")
    year = session.school_year
    if not (year.starts_on <= session.held_on <= year.ends_on):
        return "outside_year", _("Cette séance est en dehors de l'année scolaire %(year)s.") % {
            "year": year.name
        }
    if session.held_on > today:
        return "future", _(
            "L'appel d'une séance à venir ne peut pas être fait à l'avance (séance du %(day)s)."
        ) % {"day": formats.date_format(session.held_on, "l j F")}
    if (
        session.held_on < today
        and settings.correction_same_day_only
        and not policies.can_correct_any_day(actor, session)
    ):
        return "closed", str(RegisterClosed.default_message)
    return None


def closed_reason(*, actor, session: Session, settings: AttendanceSettings, today: dt.date) -> str | None:
    """Why `actor` may not take or correct this register now (a French sentence), or None."""
    refusal = _refusal(actor=actor, session=session, settings=settings, today=today)
    return refusal[1] if refusal else None


def _check_open(*, actor, session: Session, settings: AttendanceSettings, today: dt.date) -> None:
    refusal = _refusal(actor=actor, session=session, settings=settings, today=today)
    if refusal is None:
        return
    why, message = refusal
    if why == "closed":
        raise RegisterClosed(message)
    raise ValidationFailed(message, details={"session": why})


def _clean_entries(session: Session, entries: Mapping[Any, tuple]) -> dict[int, tuple[str, int | None]]:
    """student id -> (status, minutes) for the students not simply present. Every problem is
    listed: ValidationFailed with details [{student, name, message}]."""
    audience = set(audience_ids(session))
    cleaned: dict[int, tuple[str, int | None]] = {}
    problems = []
    where = session.assignment.school_class or session.assignment.group
    for student, value in entries.items():
        if isinstance(value, tuple | list):
            status, minutes = value[0], (value[1] if len(value) > 1 else None)
        else:
            status, minutes = value, None
        base = {"student": str(student.public_id), "name": student.full_name}
        if student.pk not in audience:
            problems.append(
                {
                    **base,
                    "message": _("%(name)s n'est pas élève de %(audience)s ce jour-là.")
                    % {"name": student.full_name, "audience": where.name if where else ""},
                }
            )
            continue
        if status == PRESENT:
            continue
        if status == ABSENT:
            if minutes not in (None, "", 0):
                problems.append({**base, "message": _("Un élève absent n'a pas de minutes de retard.")})
                continue
            cleaned[student.pk] = (ABSENT, None)
            continue
        if status != LATE:
            problems.append(
                {
                    **base,
                    "message": _("État inconnu « %(status)s » : présent, absent ou retard.")
                    % {"status": status},
                }
            )
            continue
        number: int | None
        try:
            number = int(minutes) if minutes is not None else None
        except (TypeError, ValueError):
            number = None
        if number is None or isinstance(minutes, bool) or not MIN_LATE <= number <= MAX_LATE:
            problems.append(
                {
                    **base,
                    "message": _(
                        "Le retard de %(name)s doit être un nombre de minutes entre %(min)s et %(max)s."
                    )
                    % {"name": student.full_name, "min": MIN_LATE, "max": MAX_LATE},
                }
            )
            continue
        cleaned[student.pk] = (LATE, number)
    if problems:
        message = (
            problems[0]["message"]
            if len(problems) == 1
            else _("%(count)s élèves ont une saisie invalide : rien n'a été enregistré.")
            % {"count": len(problems)}
        )
        raise ValidationFailed(message, details=problems)
    return cleaned


def _conflict(register: Register | None, establishment) -> RegisterConflict:
    if register is None:
        return RegisterConflict(
            _("Cet appel n'existe pas encore : rechargez la page."),
            details={"version": None, "by": "", "at": None, "entries": []},
        )
    by = register.updated_by.full_name if register.updated_by else ""
    at = register.updated_at
    entries = [
        {"student": str(public_id), "status": status, "minutes": minutes}
        for public_id, status, minutes in register.entries.values_list(
            "student__public_id", "status", "late_minutes"
        )
    ]
    message = _(
        "L'appel a été enregistré entre-temps par %(name)s à %(time)s : rechargez sa version avant de le corriger."
    ) % {
        "name": by or _("quelqu'un d'autre"),
        "time": local_time(at, establishment),
    }
    return RegisterConflict(
        message, details={"version": register.version, "by": by, "at": at.isoformat(), "entries": entries}
    )


# --- the write ------------------------------------------------------------------------------------
def save_register(
    *, actor, session: Session, entries: Mapping[Any, tuple[str, int | None]], version: int | None
) -> Register:
    """Take or correct the register of `session`.

    `entries` maps a student (a User) to ("absent", None) or ("late", minutes); students left out
    are present ("present" entries are accepted and ignored). `version`: the register's version
    the person saw, None when they saw no register.

    Refuses: NotFound (not the session's teacher nor school-life staff of its establishment);
    ValidationFailed (cancelled session, a day outside the school year or after today, a student
    not in the class or group that day, minutes outside 1..240; details list each student);
    RegisterClosed (a teacher on a past day when corrections are same-day only); RegisterConflict
    (someone saved since `version`). Nothing is written when anything is refused.

    Guarantees: Register and RegisterEntry rows as given, `version` + 1 on each change; a first
    save is audited as "attendance.register_taken", a correction as "attendance.register_corrected"
    with old -> new per student; saving what is already there changes nothing. The absence episodes
    and lateness rows follow in the same transaction (`episodes.sync_session`)."""
    policies.ensure_can_take_register(actor, session)
    establishment = session.establishment
    settings = attendance_settings(session.establishment_id)
    now = timezone.now()
    _check_open(actor=actor, session=session, settings=settings, today=local_today(establishment, now))
    wanted = _clean_entries(session, entries)
    names = {student.pk: student.full_name for student in entries}
    actor_or_none = actor if getattr(actor, "pk", None) else None

    with transaction.atomic():
        register = Register.objects.filter(session=session).select_related("updated_by").first()
        if register is None:
            if version is not None:
                raise _conflict(None, establishment)
            try:
                with transaction.atomic():
                    register = Register.objects.create(
                        establishment_id=session.establishment_id,
                        session=session,
                        taken_by=actor_or_none,
                        taken_at=now,
                        updated_by=actor_or_none,
                        updated_at=now,
                        version=1,
                    )
            except IntegrityError:
                raise _conflict(
                    Register.objects.filter(session=session).select_related("updated_by").first(),
                    establishment,
                ) from None
            old: dict[int, tuple[str, int | None]] = {}
            first = True
        else:
            old = {
                student_id: (status, minutes)
                for student_id, status, minutes in register.entries.values_list(
                    "student_id", "status", "late_minutes"
                )
            }
            if old == wanted:
                return register
            if version != register.version:
                raise _conflict(register, establishment)
            updated = Register.objects.filter(pk=register.pk, version=version).update(
                version=F("version") + 1, updated_by=actor_or_none, updated_at=now
            )
            if not updated:
                raise _conflict(
                    Register.objects.select_related("updated_by").get(pk=register.pk), establishment
                )
            register.version, register.updated_by, register.updated_at = version + 1, actor_or_none, now
            first = False

        changed = {sid for sid in old.keys() | wanted.keys() if old.get(sid) != wanted.get(sid)}
        stale = [sid for sid in changed if sid in old]
        if stale:
            RegisterEntry.objects.filter(register=register, student_id__in=stale).delete()
        fresh = [
            RegisterEntry(
                register=register, student_id=sid, status=wanted[sid][0], late_minutes=wanted[sid][1]
            )
            for sid in changed
            if sid in wanted
        ]
        if fresh:
            RegisterEntry.objects.bulk_create(fresh)

        label = session_label(session)
        if first:
            absent = sum(1 for status, _m in wanted.values() if status == ABSENT)
            late = len(wanted) - absent
            audit.record(
                actor=actor,
                action="attendance.register_taken",
                obj=register,
                establishment=establishment,
                object_repr=label,
                changes={"absent": (None, absent), "late": (None, late)},
            )
        else:
            unnamed = [sid for sid in changed if sid not in names]
            if unnamed:
                names.update(
                    {
                        u.pk: u.full_name
                        for u in User.objects.filter(pk__in=unnamed).only("first_name", "last_name")
                    }
                )
            changes: dict[str, tuple[Any, Any]] = {}
            for sid in sorted(changed, key=lambda pk: (names.get(pk) or "", pk)):
                key = names.get(sid) or str(sid)
                if key in changes:
                    key = f"{key} ({sid})"
                before, after = old.get(sid, (PRESENT, None)), wanted.get(sid, (PRESENT, None))
                changes[key] = (status_label(*before), status_label(*after))
            audit.record(
                actor=actor,
                action="attendance.register_corrected",
                obj=register,
                establishment=establishment,
                object_repr=label,
                changes=changes,
            )
        sync_session(session=session, actor=actor, settings=settings, register_id=register.pk, entries=wanted)
    return register


# --- reads ----------------------------------------------------------------------------------------
SESSION_RELATED = (
    "establishment",
    "school_year",
    "assignment__subject",
    "assignment__school_class",
    "assignment__group",
    "room",
    "teacher",
)


def register_session(actor, public_id) -> Session:
    """The session of a register page, with what the page shows (NotFound outside the scope)."""
    return get_object_or_404(
        policies.sessions_for_roll_call(actor).select_related(*SESSION_RELATED), public_id=public_id
    )


@dataclass
class SheetRow:
    student: Any
    status: str
    minutes: int | None
    exemption: Exemption | None


@dataclass
class Sheet:
    """What a register page (or the API) shows of a session."""

    session: Session
    register: Register | None
    rows: list[SheetRow]
    closed_reason: str | None

    @property
    def version(self) -> int | None:
        return self.register.version if self.register else None

    @property
    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(STATUSES, 0)
        for row in self.rows:
            result[row.status] += 1
        return result


def exemptions_on(session: Session, student_ids) -> dict[int, Exemption]:
    """The exemption covering the session's day for its subject, per student (the first found)."""
    found: dict[int, Exemption] = {}
    for exemption in Exemption.objects.filter(
        establishment_id=session.establishment_id,
        subject_id=session.assignment.subject_id,
        student_id__in=student_ids,
        starts_on__lte=session.held_on,
        ends_on__gte=session.held_on,
    ).order_by("starts_on", "id"):
        if exemption.covers(session.held_on):
            found.setdefault(exemption.student_id, exemption)
    return found


def register_sheet(*, actor, session: Session, now: dt.datetime | None = None) -> Sheet:
    """The session's students (enrolled that day) with their state in the register (present when
    not named), their exemption that day, and why the register is closed to `actor` (or None).
    A constant number of queries."""
    register = Register.objects.filter(session=session).select_related("taken_by", "updated_by").first()
    students = list(students_of_session(session).only("id", "public_id", "first_name", "last_name"))
    entries: dict[int, tuple[str, int | None]] = {}
    if register is not None:
        entries = {
            student_id: (status, minutes)
            for student_id, status, minutes in register.entries.values_list(
                "student_id", "status", "late_minutes"
            )
        }
    exemptions = exemptions_on(session, [s.pk for s in students])
    rows = [
        SheetRow(student, *entries.get(student.pk, (PRESENT, None)), exemptions.get(student.pk))
        for student in students
    ]
    settings = attendance_settings(session.establishment_id)
    reason = closed_reason(
        actor=actor, session=session, settings=settings, today=local_today(session.establishment, now)
    )
    return Sheet(session, register, rows, reason)


def sessions_of_teacher_on(actor, *, now: dt.datetime | None = None) -> list[Session]:
    """The sessions `actor` teaches today (each establishment's today), by start time, with their
    register (or None) and what the list shows. One query."""
    now = now or timezone.now()
    utc_day = now.astimezone(dt.UTC).date()
    candidates = (
        Session.objects.filter(
            teacher_id=actor.pk,
            held_on__range=(utc_day - dt.timedelta(days=1), utc_day + dt.timedelta(days=1)),
        )
        .select_related("register", *SESSION_RELATED)
        .order_by("start_time", "id")
    )
    return [s for s in candidates if s.held_on == local_today(s.establishment, now)]


def register_of(session: Session) -> Register | None:
    """The register fetched with `select_related("register")` (None when not taken)."""
    try:
        return session.register
    except Register.DoesNotExist:
        return None
