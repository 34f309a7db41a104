"""Writes on marks: one cell, or a whole column at once (all or nothing).

Optimistic concurrency: each mark has a `version`; a client names the version it last saw
(`expected_version`, None when it saw no mark). A write made against another version raises
MarkConflict with what is there now, so that the person chooses; nothing is overwritten silently.
The write itself is a conditional UPDATE on (pk, version), so two writers racing on SQLite or
PostgreSQL cannot both win.

Clearing a mark keeps its row with status "not_marked" (its version and history stay)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.audit import services as audit
from carnet.audit.models import AuditEvent
from carnet.core.errors import NotFound, PermissionDenied, ValidationFailed
from carnet.grades import policies
from carnet.grades.errors import MarkConflict
from carnet.grades.marks import ParsedMark, format_mark, parse_mark, same_mark
from carnet.grades.models import Assessment, Mark
from carnet.grades.services import locks
from carnet.school.roles import roles_of

MAX_COMMENT = 300


def _conflict_details(student, mark: Mark | None) -> dict[str, Any]:
    return {
        "student": str(student.public_id),
        "current": format_mark(mark),
        "comment": mark.comment if mark else "",
        "version": mark.version if mark else None,
        "by": mark.updated_by.full_name if mark and mark.updated_by else "",
        "at": mark.updated_at.isoformat() if mark else None,
    }


def _not_in_audience(assessment: Assessment) -> str:
    assignment = assessment.assignment
    if assignment.school_class is not None:
        return _("Cet élève n'est pas dans la classe %(name)s.") % {"name": assignment.school_class.name}
    return _("Cet élève n'est pas dans le groupe %(name)s.") % {"name": assignment.group.name if assignment.group else ""}


def _clean_comment(comment: str | None) -> str | None:
    if comment is None:
        return None
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed(
            _("Le commentaire est trop long (%(max)s caractères au plus).") % {"max": MAX_COMMENT},
            details={"comment": "too_long"},
        )
    return comment


@dataclass
class _Entry:
    student: Any
    parsed: ParsedMark
    expected_version: int | None
    comment: str | None


@dataclass
class _Write:
    """A decided change of one mark: the mark as it will be, and its audit."""

    mark: Mark
    action: str
    changes: dict[str, tuple[Any, Any]]
    is_new: bool
    seen_version: int | None


def _plan(*, actor, assessment: Assessment, entry: _Entry, current: Mark | None, now) -> _Write | None:
    """What writing `entry` over `current` means: None when it changes nothing. Raises MarkConflict
    (its details: one dict) when the version differs and the write would change something."""
    student, parsed = entry.student, entry.parsed
    old_comment = current.comment if current else ""
    comment_same = entry.comment is None or old_comment == entry.comment
    if same_mark(current, parsed) and comment_same:
        return None
    seen = current.version if current else None
    if seen != entry.expected_version:
        raise MarkConflict(details=_conflict_details(student, current))
    old_text, new_text = format_mark(current), parsed.text
    changes: dict[str, tuple[Any, Any]] = {}
    if old_text != new_text:
        changes["mark"] = (old_text or None, new_text or None)
    new_comment = entry.comment if entry.comment is not None else old_comment
    if old_comment != new_comment:
        changes["comment"] = (old_comment or None, new_comment or None)
    if not old_text and new_text:
        action = "grades.mark_created"
    elif old_text and not new_text:
        action = "grades.mark_deleted"
    else:
        action = "grades.mark_changed"
    if current is None:
        mark = Mark(
            establishment_id=assessment.establishment_id, assessment=assessment, student=student, status=parsed.status,
            value=parsed.value, comment=new_comment, version=1, updated_by=actor, updated_at=now,
        )
    else:
        mark = current
        mark.status, mark.value, mark.comment = parsed.status, parsed.value, new_comment
        mark.version, mark.updated_by, mark.updated_at = seen + 1, actor, now  # type: ignore[operator]
    return _Write(mark, action, changes, current is None, seen)


def _write(*, actor, assessment: Assessment, writes: list[_Write]) -> None:
    """Apply planned writes inside the caller's transaction: new marks in one INSERT, changed ones
    by a conditional UPDATE on their version, one audit event each. Raises MarkConflict (details: a
    list) when someone else wrote meanwhile."""
    new = [w.mark for w in writes if w.is_new]
    if new:
        try:
            with transaction.atomic():
                Mark.objects.bulk_create(new)
        except IntegrityError:
            # Someone created some of them between our read and our write.
            raced = _load(assessment, [m.student_id for m in new])
            raise MarkConflict(
                details=[_conflict_details(m.student, raced.get(m.student_id)) for m in new if m.student_id in raced]
            ) from None
    conflicts = []
    for w in writes:
        if w.is_new:
            continue
        m = w.mark
        updated = Mark.objects.filter(pk=m.pk, version=w.seen_version or 0).update(
            status=m.status, value=m.value, comment=m.comment, version=F("version") + 1, updated_by=actor,
            updated_at=m.updated_at,
        )
        if not updated:
            conflicts.append(_conflict_details(m.student, Mark.objects.select_related("updated_by").filter(pk=m.pk).first()))
    if conflicts:
        raise MarkConflict(details=conflicts)
    for w in writes:
        audit.record(
            actor=actor, action=w.action, obj=w.mark, establishment=assessment.establishment,
            object_repr=f"{assessment.title} — {w.mark.student.full_name}", changes=w.changes,
        )


def _load(assessment: Assessment, student_ids) -> dict[int, Mark]:
    return {
        m.student_id: m
        for m in Mark.objects.filter(assessment=assessment, student_id__in=student_ids).select_related("updated_by")
    }


def save_mark(
    *, actor, assessment: Assessment, student, text: str, expected_version: int | None, comment: str | None = None
) -> Mark:
    """Save what was typed in one mark cell (see carnet.grades.marks for what is accepted).

    `comment` None keeps the current comment. Refuses: NotFound / PermissionDenied (policy),
    ValidationFailed (a bad mark, a student not in the class or group), PeriodLocked (closed
    council for the student's class), MarkConflict (the mark changed since `expected_version`;
    details {student, current, comment, version, by, at}). Saving what is already there changes
    nothing (no audit, no version bump). Audited as "grades.mark_created|changed|deleted"."""
    policies.ensure_can_edit_assessment(actor, assessment)
    if not policies.students_of_assessment(assessment).filter(pk=student.pk).exists():
        raise ValidationFailed(_not_in_audience(assessment), details={"student": str(student.public_id)})
    entry = _Entry(student, parse_mark(text, assessment.scale), expected_version, _clean_comment(comment))
    locks.ensure_unlocked(assessment.period, locks.class_ids_of_students(assessment, [student.pk]))
    with transaction.atomic():
        current = _load(assessment, [student.pk]).get(student.pk)
        planned = _plan(actor=actor, assessment=assessment, entry=entry, current=current, now=timezone.now())
        if planned is None:
            return current if current is not None else Mark(assessment=assessment, student=student, status=entry.parsed.status)
        try:
            _write(actor=actor, assessment=assessment, writes=[planned])
        except MarkConflict as conflict:
            details = conflict.details[0] if conflict.details else _conflict_details(student, None)
            raise MarkConflict(details=details) from None
    return planned.mark


def save_column(*, actor, assessment: Assessment, entries: Sequence[tuple]) -> list[Mark]:
    """Save several marks of one assessment at once: all or nothing.

    `entries`: (student, text, expected_version) or (student, text, expected_version, comment).
    Every bad entry is listed: ValidationFailed with details [{student, name, message}]; then every
    conflict: MarkConflict with details [{student, current, comment, version, by, at}]. Nothing is
    saved if anything is refused. Returns the marks in the order of `entries` (unchanged ones
    included)."""
    policies.ensure_can_edit_assessment(actor, assessment)
    audience = set(policies.students_of_assessment(assessment).values_list("pk", flat=True))
    problems = []
    parsed: list[_Entry] = []
    seen: set[int] = set()
    for raw in entries:
        student, text, expected = raw[0], raw[1], raw[2]
        comment = raw[3] if len(raw) > 3 else None
        base = {"student": str(student.public_id), "name": student.full_name}
        if student.pk in seen:
            problems.append({**base, "message": _("Cet élève apparaît deux fois.")})
            continue
        seen.add(student.pk)
        if student.pk not in audience:
            problems.append({**base, "message": _not_in_audience(assessment)})
            continue
        try:
            parsed.append(_Entry(student, parse_mark(text, assessment.scale), expected, _clean_comment(comment)))
        except ValidationFailed as error:
            problems.append({**base, "message": str(error.message)})
    if problems:
        message = (
            problems[0]["message"]
            if len(problems) == 1
            else _("%(count)s notes ne sont pas valides : rien n'a été enregistré.") % {"count": len(problems)}
        )
        raise ValidationFailed(message, details=problems)
    locks.ensure_unlocked(assessment.period, locks.class_ids_of_students(assessment, seen))
    now = timezone.now()
    with transaction.atomic():
        current = _load(assessment, seen)
        conflicts = []
        writes = []
        result = []
        for entry in parsed:
            existing = current.get(entry.student.pk)
            try:
                planned = _plan(actor=actor, assessment=assessment, entry=entry, current=existing, now=now)
            except MarkConflict as conflict:
                conflicts.append(conflict.details)
                continue
            if planned is None:
                result.append(
                    existing if existing is not None
                    else Mark(assessment=assessment, student=entry.student, status=entry.parsed.status)
                )
            else:
                writes.append(planned)
                result.append(planned.mark)
        try:
            if not conflicts:
                _write(actor=actor, assessment=assessment, writes=writes)
        except MarkConflict as conflict:
            conflicts = list(conflict.details or [])
        if conflicts:
            raise MarkConflict(
                _("%(count)s note(s) ont été modifiées entre-temps : rien n'a été enregistré.") % {"count": len(conflicts)},
                details=conflicts,
            )
    return result


def can_read_history(actor, assessment: Assessment) -> bool:
    """Teachers of the assessment, the main teacher of the class and the administrative staff."""
    if policies.can_edit_assessment(actor, assessment):
        return True
    roles = roles_of(actor)
    if roles.has_function(assessment.establishment_id, *policies.GRADES_READERS):
        return True
    class_id = assessment.assignment.school_class_id
    return class_id is not None and class_id in roles.main_teacher_class_ids


def mark_history(*, actor, assessment: Assessment, student) -> list[AuditEvent]:
    """The audit events of this student's mark in this assessment, newest first (empty when there
    was never a mark). NotFound when the assessment is out of sight; PermissionDenied for people
    who see it but not its history (students, guardians)."""
    if not policies.assessments_visible_to(actor).filter(pk=assessment.pk).exists():
        raise NotFound()
    if not can_read_history(actor, assessment):
        raise PermissionDenied()
    mark = Mark.objects.filter(assessment=assessment, student=student).first()
    if mark is None:
        return []
    return list(
        AuditEvent.objects.filter(object_type=Mark._meta.label_lower, object_id=str(mark.pk))
        .select_related("actor")
        .order_by("-at", "-id")
    )
