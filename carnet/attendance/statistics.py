"""Absence statistics of an establishment for a school year: per student, per class and per month,
the half-days of absence (justified, unjustified, to justify) and the lateness (count, minutes).

`establishment_stats` aggregates in SQL: five queries whatever the number of students (absences
by student and state, by month and state, lateness by student and by month, the year's
enrollments), then sums classes in memory. A student is counted in the class of their latest
enrollment of the year. Months are those of the establishment's time zone.

`as_csv` writes one of the tables as CSV for Excel: `;` separator, UTF-8 with BOM, French headers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Sum, Value, When
from django.utils import formats
from django.utils.translation import gettext as _

from carnet.attendance.models import Absence, Lateness, Regularisation
from carnet.attendance.services.settings import day_start, days_range
from carnet.school.models import Enrollment, SchoolYear

VIEWS = ("eleves", "classes", "mois")


@dataclass
class Counts:
    half_days: int = 0
    justified: int = 0
    unjustified: int = 0
    to_justify: int = 0
    lateness: int = 0
    lateness_minutes: int = 0

    @property
    def not_justified(self) -> int:
        return self.unjustified + self.to_justify

    def add_half_days(self, state: str, value: int) -> None:
        self.half_days += value
        if state == Regularisation.JUSTIFIED:
            self.justified += value
        elif state == Regularisation.UNJUSTIFIED:
            self.unjustified += value
        else:
            self.to_justify += value

    def add(self, other: Counts) -> None:
        for name in ("half_days", "justified", "unjustified", "to_justify", "lateness", "lateness_minutes"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {
            "half_days": self.half_days,
            "justified": self.justified,
            "unjustified": self.unjustified,
            "to_justify": self.to_justify,
            "not_justified": self.not_justified,
            "lateness": self.lateness,
            "lateness_minutes": self.lateness_minutes,
        }


@dataclass
class StudentRow:
    student_id: int
    public_id: object
    last_name: str
    first_name: str
    class_id: int | None
    class_name: str
    counts: Counts = field(default_factory=Counts)


@dataclass
class ClassRow:
    class_id: int | None
    public_id: object
    name: str
    students: int = 0
    counts: Counts = field(default_factory=Counts)


@dataclass
class MonthRow:
    month: dt.date
    counts: Counts = field(default_factory=Counts)

    @property
    def label(self) -> str:
        return formats.date_format(self.month, "F Y")


@dataclass
class Stats:
    establishment: object
    year: SchoolYear
    since: dt.date
    until: dt.date
    students: list[StudentRow]
    classes: list[ClassRow]
    months: list[MonthRow]
    total: Counts


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    day = first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def establishment_stats(
    establishment,
    *,
    year: SchoolYear | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    school_class=None,
) -> Stats:
    """The statistics of `establishment` for `year` (its current year by default), between `since`
    and `until` (local days, inclusive; the year's bounds by default), for the whole establishment
    or one class. Five queries."""
    if year is None:
        year = SchoolYear.objects.filter(establishment=establishment, is_current=True).first() or (
            SchoolYear.objects.filter(establishment=establishment).order_by("-starts_on").first()
        )
    if year is None:
        raise ValueError("The establishment has no school year.")
    since = max(since or year.starts_on, year.starts_on)
    until = min(until or year.ends_on, year.ends_on)
    start, end = days_range(establishment, since, until)

    enrollments = Enrollment.objects.filter(establishment=establishment, school_year=year)
    absences = Absence.objects.filter(
        establishment=establishment, school_year=year, starts_at__gte=start, starts_at__lt=end
    )
    latenesses = Lateness.objects.filter(
        establishment=establishment, school_year=year, occurred_at__gte=start, occurred_at__lt=end
    )
    if school_class is not None:
        in_class = Enrollment.objects.filter(school_class=school_class).values("student_id")
        enrollments = enrollments.filter(student_id__in=in_class)
        absences = absences.filter(student_id__in=in_class)
        latenesses = latenesses.filter(student_id__in=in_class)

    students: dict[int, StudentRow] = {}
    class_public_ids: dict[int, object] = {}
    for enrolled in enrollments.order_by("student_id", "starts_on", "id").values(
        "student_id",
        "student__public_id",
        "student__last_name",
        "student__first_name",
        "school_class_id",
        "school_class__public_id",
        "school_class__name",
    ):
        # Ordered by start: the latest enrollment of the year wins.
        students[enrolled["student_id"]] = StudentRow(
            student_id=enrolled["student_id"],
            public_id=enrolled["student__public_id"],
            last_name=enrolled["student__last_name"],
            first_name=enrolled["student__first_name"],
            class_id=enrolled["school_class_id"],
            class_name=enrolled["school_class__name"] or "",
            counts=Counts(),
        )
        class_public_ids[enrolled["school_class_id"]] = enrolled["school_class__public_id"]

    def student(student_id: int) -> StudentRow:
        found = students.get(student_id)
        if found is None:  # absent in this establishment without an enrollment of the year
            found = students[student_id] = StudentRow(student_id, None, "", "", None, "", Counts())
        return found

    for by_state in absences.values("student_id", "state").annotate(total=Sum("half_days")).order_by():
        student(by_state["student_id"]).counts.add_half_days(by_state["state"], by_state["total"] or 0)
    for late in (
        latenesses.values("student_id").annotate(count=Count("id"), minutes=Sum("minutes")).order_by()
    ):
        counts = student(late["student_id"]).counts
        counts.lateness += late["count"]
        counts.lateness_minutes += late["minutes"] or 0

    months = {month: MonthRow(month) for month in _months(since, until)}
    ordered_months = sorted(months)
    for by_month in (
        absences.annotate(month=_month_index("starts_at", ordered_months, establishment))
        .values("month", "state")
        .annotate(total=Sum("half_days"))
        .order_by()
    ):
        counts = months[ordered_months[by_month["month"]]].counts
        counts.add_half_days(by_month["state"], by_month["total"] or 0)
    for late_month in (
        latenesses.annotate(month=_month_index("occurred_at", ordered_months, establishment))
        .values("month")
        .annotate(count=Count("id"), minutes=Sum("minutes"))
        .order_by()
    ):
        counts = months[ordered_months[late_month["month"]]].counts
        counts.lateness += late_month["count"]
        counts.lateness_minutes += late_month["minutes"] or 0

    total = Counts()
    class_keys: dict[int | None, ClassRow] = {}
    for one in students.values():
        total.add(one.counts)
        key = one.class_id
        class_row = class_keys.get(key)
        if class_row is None:
            class_row = class_keys[key] = ClassRow(
                key,
                class_public_ids.get(key) if key is not None else None,
                one.class_name or _("Sans classe"),
            )
        class_row.students += 1
        class_row.counts.add(one.counts)
    ordered_students = sorted(
        students.values(), key=lambda r: (r.class_name, r.last_name, r.first_name, r.student_id)
    )
    ordered_classes = sorted(
        (c for c in class_keys.values() if c.students), key=lambda c: (c.name, c.class_id or 0)
    )
    return Stats(
        establishment=establishment,
        year=year,
        since=since,
        until=until,
        students=ordered_students,
        classes=ordered_classes,
        months=[months[m] for m in sorted(months)],
        total=total,
    )


def _month_index(field: str, months: list[dt.date], establishment) -> Case:
    """The index in `months` of the local month a row's moment falls in, as plain comparisons with
    the first instant of each following month (the rows are already within the range): the
    database compares indexed moments instead of converting each one to local time."""
    whens = [
        When(**{f"{field}__lt": day_start(establishment, following)}, then=Value(index))
        for index, following in enumerate(months[1:])
    ]
    return Case(*whens, default=Value(len(months) - 1), output_field=IntegerField())


# --- CSV ----------------------------------------------------------------------------------------
def _count_headers() -> list[str]:
    return [
        _("Demi-journées d'absence"),
        _("dont justifiées"),
        _("dont non justifiées"),
        _("dont à justifier"),
        _("Retards"),
        _("Minutes de retard"),
    ]


def _count_cells(counts: Counts) -> list[int]:
    return [
        counts.half_days,
        counts.justified,
        counts.unjustified,
        counts.to_justify,
        counts.lateness,
        counts.lateness_minutes,
    ]


def table(stats: Stats, view: str) -> tuple[list[str], list[list]]:
    """The header and rows of one view ("eleves", "classes" or "mois")."""
    if view == "classes":
        header = [_("Classe"), _("Élèves"), *_count_headers()]
        rows = [[c.name, c.students, *_count_cells(c.counts)] for c in stats.classes]
        rows.append([_("Total"), sum(c.students for c in stats.classes), *_count_cells(stats.total)])
        return header, rows
    if view == "mois":
        header = [_("Mois"), *_count_headers()]
        rows = [[m.label, *_count_cells(m.counts)] for m in stats.months]
        rows.append([_("Total"), *_count_cells(stats.total)])
        return header, rows
    header = [_("Classe"), _("Nom"), _("Prénom"), *_count_headers()]
    rows = [
        [s.class_name, s.last_name.upper(), s.first_name, *_count_cells(s.counts)] for s in stats.students
    ]
    return header, rows


def as_csv(stats: Stats, view: str) -> bytes:
    header, rows = table(stats, view)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def csv_file_name(stats: Stats, view: str) -> str:
    from carnet.identity.names import fold

    stem = "-".join(fold(part).replace(" ", "-") for part in ("absences", view, stats.year.name))
    return "".join(c for c in stem if c.isalnum() or c in "-_") + ".csv"
