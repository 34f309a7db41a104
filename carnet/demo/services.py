"""Writing the demo plan, reading back its printed sign-ins, and removing it.

The whole demo is written in one transaction with about thirty bulk inserts whatever its size (SQLite
splits the largest ones into batches of its 999 parameters): no query per person. Only the printed
accounts get a usable password, each hashed on its own; everyone else would activate their account
with a printed code, as in a real school."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carnet.audit.models import AuditEvent
from carnet.audit.services import record
from carnet.core.errors import Conflict
from carnet.demo.builder import build_plan
from carnet.demo.councils import seed_councils
from carnet.demo.data import DEMO_CODES, ROLE_LABELS, demo_password
from carnet.demo.grades import seed_marks
from carnet.demo.models import DemoAccount
from carnet.demo.plan import DemoPlan
from carnet.demo.schoollife import seed_school_life
from carnet.demo.timetable import seed_timetable
from carnet.identity.names import fold
from carnet.identity.services import unique_usernames
from carnet.school import models as school

User = get_user_model()


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


class DemoExists(Conflict):
    code = "demo_exists"
    default_message = gettext_lazy(
        "La démo existe déjà. Utilisez --once pour afficher ses comptes, ou --reset pour la recréer."
    )


class DemoResetRefused(Conflict):
    code = "demo_reset_refused"
    default_message = gettext_lazy(
        "La démo a déjà servi et garde un historique qui ne peut pas être effacé (journal d'audit). "
        "Repartez d'une base vide pour la recréer."
    )


@dataclass(frozen=True)
class DemoLogin:
    establishment: str
    role: str
    detail: str
    name: str
    username: str
    password: str


@dataclass(frozen=True)
class DemoLogins:
    url: str
    rows: tuple[DemoLogin, ...]

    def table(self) -> str:
        """The sign-ins as a plain-text table, one block per establishment, then the URL."""
        headers = (_("Rôle"), _("Nom"), _("Identifiant"), _("Mot de passe"), _("Précision"))
        cells = [(row.role, row.name, row.username, row.password, row.detail) for row in self.rows]
        widths = [max(len(text) for text in column) for column in zip(headers, *cells, strict=False)]

        def line(values) -> str:
            return "  " + "  ".join(value.ljust(width) for value, width in zip(values, widths, strict=True)).rstrip()

        lines: list[str] = []
        current = None
        for row, values in zip(self.rows, cells, strict=True):
            if row.establishment != current:
                current = row.establishment
                lines += ["", current, line(headers), line("-" * width for width in widths)]
            lines.append(line(values))
        lines += [
            "",
            _("Ouvrez %(url)s et connectez-vous avec l'un de ces comptes.") % {"url": self.url},
            _("Les autres comptes de la démo s'activent avec un code, comme dans un vrai établissement."),
        ]
        return "\n".join(lines).lstrip("\n") + "\n"


def demo_exists() -> bool:
    return school.Establishment.objects.filter(code__in=DEMO_CODES).exists()


def demo_logins() -> DemoLogins:
    """The printed sign-ins of the demo in the database (empty when there is no demo)."""
    rows = []
    for account in DemoAccount.objects.select_related("user", "establishment"):
        establishment = account.establishment.name if account.establishment else _("Les deux établissements")
        rows.append(
            DemoLogin(
                establishment=establishment,
                role=str(ROLE_LABELS.get(account.role, account.role)),
                detail=account.detail,
                name=account.user.full_name,
                username=account.user.username,
                password=demo_password(account.key),
            )
        )
    return DemoLogins(url=settings.SITE_URL, rows=tuple(rows))


#: Report cards (one PDF each) are published by the seed up to this size (the default demo's);
#: above it the seed leaves them to the staff's "publish" button, to stay fast.
REPORT_CARDS_UP_TO = 400


def seed_demo(
    students_per_establishment: int,
    stdout: Writer | None = None,
    *,
    report_cards: bool | None = None,
    school_life: bool = True,
) -> DemoLogins:
    """Build the two demo establishments with `students_per_establishment` students each, with
    their marks (first period complete, the second up to today), appraisals, closed first-period
    councils and, up to REPORT_CARDS_UP_TO students (or as `report_cards` says), the first period's
    published report cards; their timetable and, unless `school_life` is False (tests that are not
    about it), their school life (`carnet.demo.schoollife`: registers, absences, declarations,
    exemptions, incidents, session changes, watch list).

    Precondition: no demo yet (raises DemoExists). Deterministic: on the same database state and
    day, the same size gives the same people, identifiers, classes, national ids and marks."""
    started = time.perf_counter()
    plan = build_plan(students_per_establishment)
    with transaction.atomic():
        if demo_exists():
            raise DemoExists()
        rows, users, assignments = _write(plan)
        marked = []
        lives = []
        for establishment in plan.establishments:
            marks = seed_marks(establishment, rows.establishment[id(establishment)], users, assignments)
            marked.append((marks, seed_councils(marks, users, rows.classes)))
            saved = rows.establishment[id(establishment)]
            year = _current_year(saved)
            seed_timetable(saved, year)
            lives.append(seed_school_life(saved, year) if school_life else None)
    if report_cards is None:
        report_cards = students_per_establishment <= REPORT_CARDS_UP_TO
    cards = seed_report_cards() if report_cards else None
    _record_seeded(plan)
    if stdout is not None:
        for establishment, (marks, councils), life in zip(plan.establishments, marked, lives, strict=True):
            stdout.write(
                _(
                    "%(name)s : %(students)s élèves, %(classes)s classes, %(teachers)s professeurs, "
                    "%(guardians)s responsables.\n"
                )
                % {
                    "name": establishment.spec.name,
                    "students": len(establishment.enrollments),
                    "classes": len(establishment.classes),
                    "teachers": len(establishment.teachers),
                    "guardians": len({id(g.guardian) for g in establishment.guardianships}),
                }
            )
            stdout.write(
                _("  %(assessments)s évaluations, %(marks)s notes, %(appraisals)s appréciations, %(councils)s conseils clos.\n")
                % {
                    "assessments": marks.assessments,
                    "marks": marks.mark_rows,
                    "appraisals": councils.appraisals,
                    "councils": councils.councils,
                }
            )
            if life is None:
                continue
            stdout.write(
                _(
                    "  appels : %(registers)s (non faits : %(missing)s) ; absences : %(absences)s "
                    "(demi-journées : %(half_days)s) ; retards : %(latenesses)s ; déclarations à traiter : "
                    "%(pending)s ; dispenses : %(exemptions)s ; incidents : %(incidents)s ; punitions et "
                    "sanctions : %(measures)s ; élèves à suivre : %(watched)s.\n"
                )
                % {
                    "registers": life.registers,
                    "missing": life.missing,
                    "absences": life.absences,
                    "half_days": life.half_days,
                    "latenesses": life.latenesses,
                    "pending": life.pending_declarations,
                    "exemptions": life.exemptions,
                    "incidents": life.incidents,
                    "measures": life.measures,
                    "watched": life.watched,
                }
            )
        if cards is None:
            stdout.write(_("Bulletins non publiés (démo de plus de %(size)s élèves).\n") % {"size": REPORT_CARDS_UP_TO})
        elif cards.error:
            stdout.write(_("Bulletins non publiés : %(error)s\n") % {"error": cards.error})
        else:
            stdout.write(_("%(count)s bulletins publiés.\n") % {"count": cards.published})
        stdout.write(_("Démo créée en %(seconds).1f s.\n") % {"seconds": time.perf_counter() - started})
    return demo_logins()


@dataclass
class SeededCards:
    published: int = 0
    error: str = ""


def _current_year(establishment: school.Establishment) -> school.SchoolYear:
    return school.SchoolYear.objects.get(establishment=establishment, is_current=True)


def seed_report_cards() -> SeededCards:
    """Publish the first period's report cards of every demo class, as its head would, through
    `carnet.reportcards.services.publish_for_class`. Guarded: when that service is missing or
    fails, the demo stays without report cards and the reason is returned (the rest of the demo
    is already committed)."""
    try:
        from carnet.reportcards.services import publish_for_class  # type: ignore[import-not-found, unused-ignore]
    except ImportError as error:
        return SeededCards(error=str(error))
    result = SeededCards()
    for establishment in school.Establishment.objects.filter(code__in=DEMO_CODES).order_by("id"):
        head = User.objects.filter(
            staff_functions__establishment=establishment, staff_functions__kind=school.StaffFunction.Kind.HEAD
        ).first()
        period = school.Period.objects.filter(establishment=establishment, school_year__is_current=True).order_by("number").first()
        if head is None or period is None:
            continue
        for school_class in school.SchoolClass.objects.filter(establishment=establishment, school_year=period.school_year).order_by("name"):
            try:
                published = publish_for_class(actor=head, period=period, school_class=school_class)
            except Exception as error:  # noqa: BLE001 (the demo must come up even if a bulletin fails)
                result.error = f"{school_class.name}: {error}"
                return result
            result.published += _count(published)
    return result


def _count(published: Any) -> int:
    if isinstance(published, int):
        return published
    try:
        return len(published)
    except TypeError:
        return 0


SEEDED_ACTION = "demo.seeded"


def _record_seeded(plan: DemoPlan) -> None:
    """Mark the end of the seed in each demo establishment's audit log: events up to this one
    were written by the seed itself (report cards it published), and `reset_demo` may remove them;
    any later event is history of a demo in use, which refuses the reset."""
    for establishment in school.Establishment.objects.filter(code__in=DEMO_CODES).order_by("id"):
        record(actor=None, action=SEEDED_ACTION, obj=establishment, establishment=establishment)


def reset_demo() -> int:
    """Delete the demo establishments and the people who belong to no other establishment; returns
    how many people were deleted. Refused (DemoResetRefused) once the demo has history that must
    be kept, such as audit events."""
    demo = school.Establishment.objects.filter(code__in=DEMO_CODES)
    elsewhere = school.Establishment.objects.exclude(code__in=DEMO_CODES)
    people = User.objects.filter(_linked_to(demo)).exclude(_linked_to(elsewhere)).exclude(is_superuser=True)
    try:
        with transaction.atomic():
            _remove_seed_history(demo)
            _remove_grades(demo)
            _remove_school_life(demo)
            _remove_timetable(demo)
            deleted = people.delete()[1].get(User._meta.label, 0)
            # Rows that protect their targets go before them.
            for model in (school.Enrollment, school.TeachingAssignment, school.TeachingGroup, school.SchoolClass, school.Subject):
                model.objects.filter(establishment__in=demo).delete()
            demo.delete()
    except (ProtectedError, RestrictedError) as error:
        blocking = error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
        raise DemoResetRefused(details={"protected": sorted({o._meta.label for o in blocking})}) from error
    return deleted


def _remove_seed_history(demo) -> None:
    """Remove the audit events the seed wrote (up to its `demo.seeded` mark); refuse the reset if
    the demo has any later event (it has been used: its history must be kept)."""
    for establishment in demo:
        events = AuditEvent.objects.filter(establishment=establishment)
        mark = events.filter(action=SEEDED_ACTION).order_by("-id").values_list("id", flat=True).first()
        if events.filter(id__gt=mark).exists() if mark is not None else events.exists():
            raise DemoResetRefused(details={"protected": [AuditEvent._meta.label]})
        seeded = events.filter(id__lte=mark) if mark is not None else events.none()
        seeded._raw_delete(seeded.db)  # append-only for the product; these are the seed's own


def _remove_grades(demo) -> None:
    """Marks, appraisals, councils and report cards of the demo, before the rows they protect. The
    seed's report cards are immutable for the product; removing the demo removes them and their files."""
    from carnet.grades import models as grades
    from carnet.reportcards.models import ReportCard, ReportCardBatch

    cards = ReportCard.objects.filter(establishment__in=demo)
    files = [name for name in cards.values_list("pdf", flat=True) if name]
    cards._raw_delete(cards.db)
    if files:
        storage = ReportCard._meta.get_field("pdf").storage  # type: ignore[attr-defined]
        def remove_files() -> None:
            for name in files:
                storage.delete(name)

        transaction.on_commit(remove_files)
    for model in (
        ReportCardBatch, grades.Appraisal, grades.ConductMark, grades.ClassCouncil, grades.Mark, grades.Assessment,
        grades.CustomAssessmentKind, grades.SubjectCoefficient, grades.GradingProfile,
    ):
        model.objects.filter(establishment__in=demo).delete()


def _remove_school_life(demo) -> None:
    """Measures protect their type: they go before the establishment's catalogue. The documents
    of declarations and exemptions leave the storage after the commit."""
    from carnet.attendance.models import AbsenceDeclaration, Exemption
    from carnet.discipline.models import Measure

    Measure.objects.filter(establishment__in=demo).delete()
    files = [
        *AbsenceDeclaration.objects.filter(establishment__in=demo).exclude(document="").values_list("document", flat=True),
        *Exemption.objects.filter(establishment__in=demo).exclude(certificate="").values_list("certificate", flat=True),
    ]
    if files:
        storage = Exemption._meta.get_field("certificate").storage  # type: ignore[attr-defined]

        def remove_files() -> None:
            for name in files:
                storage.delete(name)

        transaction.on_commit(remove_files)


def _remove_timetable(demo) -> None:
    """Sessions protect their teacher: they go (with their registers and changes) before the people."""
    from carnet.timetable.models import Session

    Session.objects.filter(establishment__in=demo).delete()


def _linked_to(establishments) -> Q:
    """People with any tie to these establishments (sub-queries: no join fans out)."""
    ties = (
        school.StaffFunction.objects.filter(establishment__in=establishments).values("user"),
        school.Enrollment.objects.filter(establishment__in=establishments).values("student"),
        school.Guardianship.objects.filter(establishment__in=establishments).values("guardian"),
        school.Guardianship.objects.filter(establishment__in=establishments).values("student"),
        school.TeachingAssignment.objects.filter(establishment__in=establishments).values("teacher"),
    )
    condition = Q()
    for tie in ties:
        condition |= Q(pk__in=tie)
    return condition


# --- writing --------------------------------------------------------------------------------------


def _write(plan: DemoPlan) -> tuple[_Rows, dict[int, Any], dict[int, school.TeachingAssignment]]:
    users = _users(plan)
    rows = _structure(plan)
    assignments = _relations(plan, rows, users)
    return rows, users, assignments


@dataclass
class _Rows:
    """The saved rows of each establishment, keyed by the plan objects that describe them."""

    establishment: dict[int, school.Establishment]
    year: dict[int, school.SchoolYear]
    subjects: dict[tuple[int, str], school.Subject]
    classes: dict[int, school.SchoolClass]
    groups: dict[int, school.TeachingGroup]


def _users(plan: DemoPlan) -> dict[int, Any]:
    people = plan.people()
    usernames = unique_usernames([(p.first_name, p.last_name) for p in people])
    passwords = {id(account.person): demo_password(account.key) for account in plan.accounts}
    users = []
    for person, username in zip(people, usernames, strict=True):
        user = User(
            username=username,
            first_name=person.first_name,
            last_name=person.last_name,
            email=f"{username}@example.org" if person.wants_email else "",
            phone=person.phone,
            sex=person.sex,
            birth_date=person.birth_date,
            birth_place=person.birth_place,
            language="",  # follow the browser until the person chooses on their profile
            search_name=fold(f"{person.last_name} {person.first_name} {username}"),
        )
        password = passwords.get(id(person))
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    return {id(person): user for person, user in zip(people, users, strict=True)}


def _structure(plan: DemoPlan) -> _Rows:
    specs = [e.spec for e in plan.establishments]
    establishments = school.Establishment.objects.bulk_create(
        [
            school.Establishment(code=s.code, name=s.name, country=s.country, time_zone=s.time_zone, language="fr", city=s.city)
            for s in specs
        ]
    )
    years = school.SchoolYear.objects.bulk_create(
        [
            school.SchoolYear(establishment=e, name=s.year[0], starts_on=s.year[1], ends_on=s.year[2], is_current=True)
            for e, s in zip(establishments, specs, strict=True)
        ]
    )
    periods: list[school.Period] = []
    events: list[school.CalendarEvent] = []
    levels: dict[tuple[str, str], school.Level] = {}
    series: dict[tuple[str, str], school.Series] = {}
    subjects: dict[tuple[str, str], school.Subject] = {}
    for e, y, s in zip(establishments, years, specs, strict=True):
        periods += [
            school.Period(establishment=e, school_year=y, kind=s.period_kind, number=n, name=name, starts_on=start, ends_on=end)
            for n, (name, start, end) in enumerate(s.periods, start=1)
        ]
        events += [
            school.CalendarEvent(establishment=e, school_year=y, kind=kind, name=name, starts_on=start, ends_on=end)
            for kind, name, start, end in s.events
        ]
        for cell in s.cells:
            levels.setdefault((e.code, cell.level), school.Level(establishment=e, name=cell.level, rank=cell.rank))
            if cell.series:
                series.setdefault((e.code, cell.series), school.Series(establishment=e, name=cell.series))
        for name, short_name, color in s.subjects:
            subjects[(e.code, name)] = school.Subject(
                establishment=e, name=name, normalized_name=school.Subject.normalize(name), short_name=short_name, color=color
            )
    school.Period.objects.bulk_create(periods)
    school.CalendarEvent.objects.bulk_create(events)
    school.Level.objects.bulk_create(levels.values())
    school.Series.objects.bulk_create(series.values())
    school.Subject.objects.bulk_create(subjects.values())

    classes: dict[int, school.SchoolClass] = {}
    groups: dict[int, school.TeachingGroup] = {}
    for e, y, ep in zip(establishments, years, plan.establishments, strict=True):
        for c in ep.classes:
            classes[id(c)] = school.SchoolClass(
                establishment=e, school_year=y, name=c.name, normalized_name=school.SchoolClass.normalize(c.name),
                level=levels[(e.code, c.cell.level)], series=series.get((e.code, c.cell.series)),
            )
        for g in ep.groups:
            groups[id(g)] = school.TeachingGroup(
                establishment=e, school_year=y, name=g.name, normalized_name=school.TeachingGroup.normalize(g.name)
            )
    school.SchoolClass.objects.bulk_create(classes.values())
    school.TeachingGroup.objects.bulk_create(groups.values())
    return _Rows(
        establishment={id(ep): e for ep, e in zip(plan.establishments, establishments, strict=True)},
        year={id(ep): y for ep, y in zip(plan.establishments, years, strict=True)},
        subjects={(id(ep), name): subjects[(e.code, name)] for ep, e in zip(plan.establishments, establishments, strict=True) for name, _, _ in ep.spec.subjects},
        classes=classes,
        groups=groups,
    )


def _relations(plan: DemoPlan, rows: _Rows, users: dict[int, Any]) -> dict[int, school.TeachingAssignment]:
    """Groups, assignments, enrollments, guardianships, functions and printed accounts; returns the
    saved assignments keyed by the plan's (for the marks)."""
    group_classes, group_students, enrollments, guardianships, functions = [], [], [], [], []
    assignments: dict[int, school.TeachingAssignment] = {}
    GroupClass = school.TeachingGroup.classes.through
    GroupStudent = school.TeachingGroup.students.through
    for ep in plan.establishments:
        establishment, year = rows.establishment[id(ep)], rows.year[id(ep)]
        for g in ep.groups:
            group = rows.groups[id(g)]
            group_classes += [GroupClass(teachinggroup_id=group.pk, schoolclass_id=rows.classes[id(c)].pk) for c in g.classes]
            group_students += [GroupStudent(teachinggroup_id=group.pk, user_id=users[id(p)].pk) for p in g.students]
        assignments.update(
            (
                id(a),
                school.TeachingAssignment(
                    establishment=establishment, school_year=year, teacher=users[id(a.teacher)],
                    school_class=rows.classes[id(a.school_class)] if a.school_class else None,
                    group=rows.groups[id(a.group)] if a.group else None,
                    subject=rows.subjects[(id(ep), a.subject)], coefficient=a.coefficient, weekly_hours=a.hours,
                    is_main_teacher=a.is_main_teacher,
                ),
            )
            for a in ep.assignments
        )
        enrollments += [
            school.Enrollment(
                establishment=establishment, school_year=year, student=users[id(en.student)],
                school_class=rows.classes[id(en.school_class)], starts_on=year.starts_on,
                national_id=en.national_id, is_repeating=en.is_repeating,
            )
            for en in ep.enrollments
        ]
        guardianships += [
            school.Guardianship(
                establishment=establishment, student=users[id(g.student)], guardian=users[id(g.guardian)],
                relationship=g.relationship, has_legal_responsibility=g.has_legal_responsibility,
            )
            for g in ep.guardianships
        ]
        functions += [
            school.StaffFunction(
                establishment=establishment, user=users[id(f.person)], kind=f.kind, note=f.note,
                starts_on=f.starts_on, ends_on=f.ends_on,
            )
            for f in ep.functions
        ]
    by_code = {e.code: e for e in rows.establishment.values()}
    accounts = [
        DemoAccount(
            key=a.key, role=a.role, establishment=by_code[a.spec.code] if a.spec else None, user=users[id(a.person)],
            detail=a.detail, position=position,
        )
        for position, a in enumerate(plan.accounts)
    ]
    GroupClass.objects.bulk_create(group_classes)
    GroupStudent.objects.bulk_create(group_students)
    school.TeachingAssignment.objects.bulk_create(assignments.values())
    school.Enrollment.objects.bulk_create(enrollments)
    school.Guardianship.objects.bulk_create(guardianships)
    school.StaffFunction.objects.bulk_create(functions)
    DemoAccount.objects.bulk_create(accounts)
    return assignments


