"""The demo's school life: registers with realistic absences and lateness, their regularisation,
guardians' declarations, exemptions, a handful of incidents and measures, a few session changes in
the coming days and the watch list.

Everything is dated from today in the establishment's time zone, like the marks: registers cover
the last `REGISTER_WEEKS` weeks of school days up to now (fewer in a big school, see
`registers.REGISTER_BUDGET`: the last three school days at 1,500 students), today's sessions only
once they are over. Nothing is dated after now except a guardian's declaration made in advance and
the session changes of the coming days. Seeded outside the school year (before it starts, after it
ends), an establishment only gets its settings, reasons and alert rules.

Deterministic: one `random.Random` per establishment (`SEED` and its code), students and sessions
walked in a fixed order; the same plan on the same day gives the same school life.

What goes through the apps' services, and what does not:

- Settings, reasons and alert rules: `attendance.services.settings` (`settings_for`,
  `ensure_default_reasons`, `ensure_default_rules`); Benin's conduct rule:
  `schoollife.services.conduct.rule_for`.
- Registers: `attendance.services.registers.save_register`, one call per session, which writes the
  entries and merges the absences into episodes (`episodes.sync_session`). The registers of past
  days are taken by the session's teacher, as they were on the day: the establishment's
  `correction_same_day_only` is off while the seed takes them and put back afterwards (the service
  refuses a teacher a past day otherwise). About 3% are taken by the CPE instead, later that day, as
  school life does for a forgotten register. The service stamps its rows with the seed's clock, so
  the registers, absences and lateness are then re-dated in bulk to the lessons they record, and
  marked as already announced to the guardians (`guardians_notified_at`): the demo must not send a
  flood of messages about weeks-old absences.
- Regularisation: the first `SERVICE_REGULARISATIONS` absences go through
  `attendance.services.absences.regularise_absence` (audited, as in real use); the rest, and every
  lateness, are bulk updates of the models, grouped by (state, reason), because one service call per
  row costs several seconds at 1,500 students. Family contacts: `contacts.record_contact`.
- Declarations: `declarations.declare_absence` (as the guardian, with a PNG or PDF made in memory)
  and `declarations.decide_declaration` (as the CPE); the accepted ones are then re-dated (declared
  the evening of the absence, accepted the next morning).
- Exemptions: `attendance.services.exemptions.create_exemption` (as the CPE).
- Incidents and measures: `discipline.services.incidents.report_incident` and
  `discipline.services.measures.decide_measure` / `update_measure`, by the people the rules allow:
  teachers punish the students they teach, the CPE punishes, the head or the deputy sanctions.
- Session changes: `timetable.services.changes` (as the deputy); they notify the people concerned.
- The watch list: `attendance.services.alerts.evaluate`, last. One student per school is absent,
  unexcused, on the three school days before today, so that the default thresholds (4 unjustified
  half-days in 30 days, 3 consecutive days) put at least one student on the list.

Modules: `common` (the establishment's people, the summary), `registers`, `regularisation`
(regularisation, family contacts, declarations), `events` (exemptions, discipline, session
changes), `documents` (the PNG and PDF files)."""

from __future__ import annotations

import random
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.utils import timezone

from carnet.attendance.models import (
    Absence,
    AbsenceDeclaration,
    Exemption,
    FamilyContact,
    Lateness,
    Regularisation,
    WatchEntry,
)
from carnet.attendance.services import alerts
from carnet.attendance.services.settings import ensure_default_reasons, ensure_default_rules, settings_for
from carnet.demo.schoollife.common import SEED, Cast, SchoolLife, load_cast
from carnet.demo.schoollife.events import seed_discipline, seed_exemptions, seed_session_changes
from carnet.demo.schoollife.registers import propensities, redate, school_days, take_registers
from carnet.demo.schoollife.regularisation import log_contacts, regularise, seed_declarations
from carnet.discipline.models import Incident, Measure
from carnet.school import models as school
from carnet.schoollife.services.conduct import rule_for
from carnet.timetable.models import SessionChange

__all__ = ["SchoolLife", "seed_school_life"]


def seed_school_life(establishment: school.Establishment, year: school.SchoolYear) -> SchoolLife:
    """Seed the school life of `establishment` for its current `year` (see the module docstring).

    Precondition: the timetable and its sessions are written (`demo.timetable.seed_timetable`), the
    demo's people and printed accounts exist. Runs inside the seed's transaction."""
    result = SchoolLife()
    settings_row = settings_for(establishment)
    ensure_default_reasons(establishment)
    ensure_default_rules(establishment)
    if establishment.country == school.Country.BENIN:
        rule_for(establishment)
    now = timezone.now()
    zone = ZoneInfo(establishment.time_zone)
    today = now.astimezone(zone).date()
    if not year.starts_on <= today <= year.ends_on:
        return result
    cast = load_cast(establishment, year)
    if not cast.students:
        return result
    rng = random.Random(f"{SEED}-{establishment.code}")
    days = school_days(establishment, year, today)
    past_days = [d for d in days if d < today]
    watched = _pick_watched(cast, rng)
    watched_days = past_days[-3:]
    propensity = propensities(cast, rng)

    exemptions = seed_exemptions(cast, rng, today, watched, result)
    take_registers(
        cast, settings_row, rng, days, now, (watched, watched_days), exemptions, propensity, result
    )
    redate(cast)
    seed_declarations(cast, rng, now, today, watched, result)
    regularise(cast, rng, now, (watched, watched_days), propensity, result)
    log_contacts(cast, now, watched, result)
    seed_discipline(cast, rng, now, result)
    seed_session_changes(cast, rng, today, result)
    alerts.evaluate(establishment)
    _count(cast, result)
    return result


def _pick_watched(cast: Cast, rng: random.Random) -> Any:
    """The student whose unexcused absence of the last three school days crosses the thresholds."""
    printed = {user.pk for user in cast.printed.values()}
    candidates = [s for s in cast.students if s.pk not in printed and cast.guardians.get(s.pk)]
    return rng.choice(candidates or cast.students)


def _count(cast: Cast, result: SchoolLife) -> None:
    e = cast.establishment
    absences = Absence.objects.filter(establishment=e)
    result.absences = absences.count()
    result.half_days = absences.aggregate(total=Sum("half_days"))["total"] or 0
    result.justified = absences.filter(state=Regularisation.JUSTIFIED).count()
    result.latenesses = Lateness.objects.filter(establishment=e).count()
    result.contacts = FamilyContact.objects.filter(establishment=e).count()
    declarations = AbsenceDeclaration.objects.filter(establishment=e)
    result.declarations = declarations.count()
    result.pending_declarations = declarations.filter(status=AbsenceDeclaration.Status.PENDING).count()
    result.exemptions = Exemption.objects.filter(establishment=e).count()
    result.incidents = Incident.objects.filter(establishment=e).count()
    result.measures = Measure.objects.filter(establishment=e).count()
    result.changes = SessionChange.objects.filter(establishment=e).count()
    result.watched = (
        WatchEntry.objects.filter(establishment=e, cleared_at__isnull=True)
        .values("student_id")
        .distinct()
        .count()
    )
