"""Writing a valid marks plan, inside the imports framework's transaction (all or nothing).

Created assessments are published at once to students and guardians ("migration of a year's
marks") and marked as notified, so nobody receives a notification for marks of the past. Every
assessment created or changed and every mark created or changed gets an audit event in the shape
of a teacher's own entry (`services.marks`: object = the mark, changes "mark" and "comment"), plus
"source": "import", so a mark's history tells where it came from."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from carnet.audit.services import record
from carnet.grades.imports.validation import MarksWork
from carnet.grades.marks import format_mark, format_number
from carnet.grades.models import Assessment, Mark
from carnet.school.imports import people
from carnet.school.imports.plan import Plan

SOURCE = "import"


def apply(plan: Plan) -> None:
    work: MarksWork = plan.work
    establishment = plan.establishment
    actor = work.actor if work.actor is not None and work.actor.is_authenticated else None
    now = timezone.now()

    new = [a for a in work.assessments.values() if a.existing_id is None]
    created = Assessment.objects.bulk_create(
        [
            Assessment(
                establishment=establishment,
                assignment_id=a.assignment_id,
                period_id=a.period_id,
                title=a.title,
                held_on=a.held_on,
                kind=a.kind.kind,
                custom_kind_id=a.kind.custom_kind_id,
                scale=a.scale,
                coefficient=a.coefficient,
                publication=Assessment.Publication.NOW,
                published_at=now,
                guardians_published_at=now,
                notified_at=now, guardians_notified_at=now,
                created_by=actor,
                created_at=now,
            )
            for a in new
        ],
        batch_size=people.BATCH,
    )
    assessment_ids = {a.key: a.existing_id for a in work.assessments.values() if a.existing_id}
    for item, row in zip(new, created, strict=True):
        assessment_ids[item.key] = row.pk
        record(actor=actor, action="grades.assessment_created", obj=row, establishment=establishment,
               changes={"title": (None, item.title), "held_on": (None, item.held_on.isoformat()),
                        "scale": (None, format_number(item.scale)), "coefficient": (None, format_number(item.coefficient)),
                        "source": (None, SOURCE)},
               object_repr=item.label)

    for item in work.assessments.values():
        if item.existing_id is None or not item.changes:
            continue
        row = Assessment.objects.select_for_update().get(pk=item.existing_id)
        columns = ["version", "updated_at"]
        if "assessment_kind" in item.changes:
            row.kind, row.custom_kind_id = item.kind.kind, item.kind.custom_kind_id
            columns += ["kind", "custom_kind"]
        if "scale" in item.changes:
            row.scale = item.scale
            columns.append("scale")
        if "coefficient" in item.changes:
            row.coefficient = item.coefficient
            columns.append("coefficient")
        row.version += 1
        row.save(update_fields=columns)
        changes = {
            name: (format_number(old) if name != "assessment_kind" else old, format_number(new) if name != "assessment_kind" else new)
            for name, (old, new) in item.changes.items()
        }
        record(actor=actor, action="grades.assessment_updated", obj=row, establishment=establishment,
               changes={**changes, "source": (None, SOURCE)}, object_repr=item.label)

    to_create: list[tuple] = []
    to_update: dict[frozenset[str], list[tuple]] = defaultdict(list)
    for m in work.marks:
        assessment_id = assessment_ids[m.assessment_key]
        if m.existing is None:
            mark = Mark(establishment=establishment, assessment_id=assessment_id, student_id=m.student_id, status=m.status,
                        value=m.value, comment=m.comment or "", updated_by=actor, updated_at=now)
            to_create.append((m, mark))
        elif m.changes:
            mark = Mark(pk=m.existing["id"], assessment_id=assessment_id, student_id=m.student_id, status=m.existing["status"],
                        value=m.existing["value"], comment=m.existing["comment"], version=m.existing["version"] + 1,
                        updated_by=actor, updated_at=now)
            fields = {"version", "updated_by", "updated_at"}
            if "mark" in m.changes:
                mark.status, mark.value = m.status, m.value
                fields |= {"status", "value"}
            if "comment" in m.changes:
                mark.comment = m.comment or ""
                fields.add("comment")
            to_update[frozenset(fields)].append((m, mark))
    Mark.objects.bulk_create([mark for _m, mark in to_create], batch_size=people.BATCH)
    for written, items in to_update.items():
        Mark.objects.bulk_update([mark for _m, mark in items], sorted(written), batch_size=people.BATCH)
    for m, mark in to_create:
        changes = {"mark": (None, format_mark(mark.status, mark.value) or None), "source": (None, SOURCE)}
        if mark.comment:
            changes["comment"] = (None, mark.comment)
        record(actor=actor, action="grades.mark_created", obj=mark, establishment=establishment, changes=changes,
               object_repr=m.label)
    for items in to_update.values():
        for m, mark in items:
            changes = {name: (old or None, new or None) for name, (old, new) in m.changes.items()}
            record(actor=actor, action="grades.mark_changed", obj=mark, establishment=establishment,
                   changes={**changes, "source": (None, SOURCE)}, object_repr=m.label)
