"""Writing a valid students plan: classes, people, enrollments and guardianships, in bulk."""

from __future__ import annotations

from carnet.school.imports import levels as level_names
from carnet.school.imports import people
from carnet.school.imports.plan import Plan
from carnet.school.imports.students.work import (
    StudentsWork,
)
from carnet.school.models import (
    Enrollment,
    Guardianship,
    Level,
    SchoolClass,
    Series,
)


def apply(plan: Plan) -> None:
    work: StudentsWork = plan.work
    establishment, year = plan.establishment, work.year
    level_ids, series_ids, class_ids = dict(work.level_ids), dict(work.series_ids), dict(work.class_ids)
    for key, name, rank in work.new_levels:
        level_ids[key] = Level.objects.create(establishment=establishment, name=name, rank=rank).pk
    for key, name in work.new_series:
        series_ids[key] = Series.objects.create(establishment=establishment, name=name).pk
    for nc in work.new_classes:
        school_class = SchoolClass(
            establishment=establishment,
            school_year=year,
            name=nc.name,
            level_id=level_ids.get(level_names.level_key(nc.level)) if nc.level else None,
            series_id=series_ids.get(SchoolClass.normalize(nc.series)) if nc.series else None,
        )
        school_class.save()
        class_ids[nc.key] = school_class.pk

    new_students = [s for s in work.students if s.existing is None]
    new_guardians = [g for g in work.guardians if g.existing is None]
    created = people.create_people([s.create for s in new_students] + [g.values for g in new_guardians])
    for student, user in zip(new_students, created[: len(new_students)], strict=True):
        student.user_id = user.pk
    for guardian, user in zip(new_guardians, created[len(new_students):], strict=True):
        guardian.user_id = user.pk
    for student in work.students:
        if student.existing is not None:
            student.user_id = student.existing["id"]
    for guardian in work.guardians:
        if guardian.existing is not None:
            guardian.user_id = guardian.existing["id"]
    people.update_people(
        [(s.existing, s.updates) for s in work.students if s.existing is not None]
        + [(g.existing, g.changes) for g in work.guardians if g.existing is not None]
    )
    _apply_enrollments(work, establishment, year, class_ids)
    Guardianship.objects.bulk_create(
        [
            Guardianship(
                establishment=establishment,
                student_id=work.students[s].user_id,
                guardian_id=work.guardians[g].user_id,
                relationship=relationship,
            )
            for s, g, relationship in work.new_links
        ],
        batch_size=people.BATCH,
    )
    Guardianship.objects.bulk_update(
        [Guardianship(pk=pk, relationship=relationship) for pk, relationship in work.link_updates],
        ["relationship"],
        batch_size=people.BATCH,
    )


def _apply_enrollments(work: StudentsWork, establishment, year, class_ids) -> None:
    closing, creating = [], []
    updating: dict[frozenset[str], list[Enrollment]] = {}
    for student in work.students:
        e = student.enrollment
        if e.action in {"create", "move"}:
            creating.append(
                Enrollment(
                    establishment=establishment,
                    school_year=year,
                    student_id=student.user_id,
                    school_class_id=class_ids[e.class_key],
                    starts_on=e.starts_on or year.starts_on,
                    national_id=e.national_id,
                    is_repeating=e.is_repeating,
                )
            )
        if e.action == "move":
            closing.append(Enrollment(pk=e.enrollment_id, ends_on=e.closes_on))
        if e.action == "update":
            row = Enrollment(pk=e.enrollment_id)
            for name, value in e.updates.items():
                if name == "school_class":
                    row.school_class_id = class_ids[value]
                else:
                    setattr(row, name, value)
            updating.setdefault(frozenset(e.updates), []).append(row)
    Enrollment.objects.bulk_update(closing, ["ends_on"], batch_size=people.BATCH)
    for fields, rows in updating.items():
        Enrollment.objects.bulk_update(rows, sorted(fields), batch_size=people.BATCH)
    Enrollment.objects.bulk_create(creating, batch_size=people.BATCH)
