"""What the absences part tells people, and its periodic jobs.

Kinds:
- "attendance.absence": a guardian is told the same day that their child is absent or late. SMS
  is allowed and is this kind's default (with e-mail and push) for guardians who can be reached
  by SMS; quiet hours and budgets are the notifications core's business.
- "attendance.declaration": school-life staff are told a guardian declared an absence.
- "attendance.declaration_decided": the guardian who declared is told the decision.
- "attendance.watch": school-life staff are told students were put on the watch list.

Same-day notification (`notify_same_day`, every minute): absences and lateness whose
`guardians_notified_at` is empty, recorded at least `DELAY` ago (a teacher's correction within
that time wins), that began today in the establishment's time zone (history is never announced),
when the establishment's `notify_guardians_same_day` is on; the students announced then have their
alert rules evaluated (registers are saved by another part: this is where their absences first
meet the alert rules, besides the alerts job every five minutes). Each row is claimed with a conditional
UPDATE before anything is sent, so two workers never announce it twice. An absence already
justified, or covered by a guardian's declaration, is marked without a message: the family knows."""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from carnet.attendance.models import Absence, AbsenceDeclaration, AttendanceSettings, Lateness, Regularisation
from carnet.attendance.services.settings import settings_for, zone_of
from carnet.school.models import Guardianship, StaffFunction
from carnet.school.roles import active_function_q

log = logging.getLogger("carnet.attendance")

ABSENCE_KIND = "attendance.absence"
DECLARATION_KIND = "attendance.declaration"
DECISION_KIND = "attendance.declaration_decided"
WATCH_KIND = "attendance.watch"

#: How long after a register (or any entry) guardians are told: corrections made meanwhile win.
DELAY = dt.timedelta(minutes=5)
#: How far back the job looks; older rows are history and are never announced.
HORIZON = dt.timedelta(hours=36)
SAME_DAY_EVERY_SECONDS = 60
ALERTS_EVERY_SECONDS = 5 * 60


def register_kinds() -> None:
    from carnet.notifications import kinds

    kinds.register(
        ABSENCE_KIND,
        gettext_lazy("Absence ou retard de votre enfant"),
        description=gettext_lazy("Le jour même : votre enfant est noté absent ou en retard à l'appel."),
        default_modes={"email": "immediate", "sms": "immediate", "push": "immediate"},
        sms_allowed=True,
        summary=ngettext_lazy("%(count)d absence ou retard", "%(count)d absences ou retards", "count"),
    )
    kinds.register(
        DECLARATION_KIND,
        gettext_lazy("Déclaration d'absence reçue"),
        description=gettext_lazy("Un responsable déclare une absence, à traiter par la vie scolaire."),
        default_modes={"email": "digest", "push": "immediate"},
        summary=ngettext_lazy("%(count)d déclaration d'absence", "%(count)d déclarations d'absence", "count"),
    )
    kinds.register(
        DECISION_KIND,
        gettext_lazy("Réponse à une déclaration d'absence"),
        description=gettext_lazy("La vie scolaire accepte ou refuse une absence que vous avez déclarée."),
        default_modes={"email": "immediate", "push": "immediate"},
        summary=ngettext_lazy(
            "%(count)d réponse à une déclaration", "%(count)d réponses à des déclarations", "count"
        ),
    )
    kinds.register(
        WATCH_KIND,
        gettext_lazy("Élèves à suivre"),
        description=gettext_lazy(
            "Un seuil d'absences ou de retards est atteint : l'élève rejoint la liste des élèves à suivre."
        ),
        default_modes={"email": "digest", "push": "never"},
        summary=ngettext_lazy("%(count)d alerte d'assiduité", "%(count)d alertes d'assiduité", "count"),
    )


# --- wording ------------------------------------------------------------------------------------
def clock(moment: dt.datetime) -> str:
    """8h, 10h30."""
    return f"{moment.hour}h{moment.minute:02d}" if moment.minute else f"{moment.hour}h"


def _absent_word(student) -> str:
    if student.sex == "F":
        return _("absente")
    if student.sex == "M":
        return _("absent")
    return _("absent(e)")


def _when(start: dt.datetime, end: dt.datetime, afternoon: dt.time) -> str:
    """ "ce matin", "cet après-midi" or "aujourd'hui" (local moments)."""
    if end.date() == start.date() and end.time() <= afternoon:
        return _("ce matin")
    if start.time() >= afternoon:
        return _("cet après-midi")
    return _("aujourd'hui")


def absence_texts(
    absence: Absence, settings: AttendanceSettings, prefix: str = "Carnet"
) -> tuple[str, str, str]:
    """(title, body, SMS) telling a guardian about `absence`, e.g. the SMS
    "Carnet : Alice absente ce matin (8h-10h). Merci de justifier."."""
    zone = zone_of(absence.establishment)
    start = timezone.localtime(absence.starts_at, zone)
    end = timezone.localtime(absence.ends_at, zone)
    name = absence.student.first_name
    word = _absent_word(absence.student)
    when = _when(start, end, settings.afternoon_starts_at)
    if end.date() == start.date():
        hours = f"{clock(start)}-{clock(end)}"
    else:
        hours = _("à partir de %(start)s") % {"start": clock(start)}
    title = _("%(name)s %(absent)s %(when)s") % {"name": name, "absent": word, "when": when}
    body = _(
        "%(name)s n'était pas en cours %(when)s (%(hours)s). Vous pouvez justifier l'absence dans Carnet, "
        "rubrique Absences."
    ) % {"name": name, "when": when, "hours": hours}
    sms = _("%(prefix)s : %(name)s %(absent)s %(when)s (%(hours)s). Merci de justifier.") % {
        "prefix": prefix,
        "name": name,
        "absent": word,
        "when": when,
        "hours": hours,
    }
    return title, body, sms


def lateness_texts(
    lateness: Lateness, settings: AttendanceSettings, prefix: str = "Carnet"
) -> tuple[str, str, str]:
    """(title, body, SMS), e.g. "Carnet : Alice en retard de 10 min ce matin (8h)."."""
    zone = zone_of(lateness.establishment)
    moment = timezone.localtime(lateness.occurred_at, zone)
    name = lateness.student.first_name
    when = _("ce matin") if moment.time() < settings.afternoon_starts_at else _("cet après-midi")
    values = {"prefix": prefix, "name": name, "minutes": lateness.minutes, "when": when, "at": clock(moment)}
    title = _("%(name)s en retard %(when)s") % values
    body = (
        ngettext(
            "%(name)s est arrivé(e) avec %(minutes)s minute de retard %(when)s (cours de %(at)s).",
            "%(name)s est arrivé(e) avec %(minutes)s minutes de retard %(when)s (cours de %(at)s).",
            lateness.minutes,
        )
        % values
    )
    sms = _("%(prefix)s : %(name)s en retard de %(minutes)s min %(when)s (%(at)s).") % values
    return title, body, sms


def _family_url(student) -> str:
    return reverse("attendance:family_absences") + f"?child={student.public_id}"


def _sms_prefix(establishment) -> str:
    from carnet.notifications.models import EstablishmentNotificationSettings

    row = EstablishmentNotificationSettings.objects.filter(establishment=establishment).first()
    return row.sms_prefix if row is not None else "Carnet"


def _guardians(row) -> list:
    return [
        link.guardian
        for link in Guardianship.objects.filter(
            establishment_id=row.establishment_id, student_id=row.student_id
        )
        .select_related("guardian")
        .order_by("id")
    ]


def _claim(model, pk: int, now: dt.datetime) -> bool:
    """Take the row for this run: only one worker's UPDATE finds it still unannounced."""
    return (
        model.objects.filter(pk=pk, guardians_notified_at__isnull=True).update(guardians_notified_at=now) == 1
    )


# --- same-day job -------------------------------------------------------------------------------
def notify_same_day(*, now: dt.datetime | None = None) -> int:
    """Tell guardians about today's new absences and lateness (see the module docstring). Returns
    the number of absences and lateness announced."""
    from carnet.attendance.services.declarations import link_accepted_declarations
    from carnet.notifications.services.sending import notify

    now = now or timezone.now()
    cutoff = now - DELAY
    link_accepted_declarations()
    declared = AbsenceDeclaration.objects.filter(
        establishment_id=OuterRef("establishment_id"),
        student_id=OuterRef("student_id"),
        status__in=(AbsenceDeclaration.Status.PENDING, AbsenceDeclaration.Status.ACCEPTED),
        starts_at__lt=OuterRef("ends_at"),
        ends_at__gt=OuterRef("starts_at"),
    )
    absences = (
        Absence.objects.filter(
            guardians_notified_at__isnull=True,
            created_at__lte=cutoff,
            updated_at__lte=cutoff,
            starts_at__gte=now - HORIZON,
            starts_at__lte=now,
        )
        .annotate(declared=Exists(declared))
        .select_related("establishment", "student")
        .order_by("starts_at", "id")
    )
    latenesses = (
        Lateness.objects.filter(
            guardians_notified_at__isnull=True,
            created_at__lte=cutoff,
            occurred_at__gte=now - HORIZON,
            occurred_at__lte=now,
        )
        .select_related("establishment", "student")
        .order_by("occurred_at", "id")
    )
    settings_cache: dict[int, AttendanceSettings] = {}
    prefixes: dict[int, str] = {}

    def settings_of(establishment) -> AttendanceSettings:
        if establishment.pk not in settings_cache:
            settings_cache[establishment.pk] = settings_for(establishment)
        return settings_cache[establishment.pk]

    def prefix_of(establishment) -> str:
        if establishment.pk not in prefixes:
            prefixes[establishment.pk] = _sms_prefix(establishment)
        return prefixes[establishment.pk]

    def today_there(establishment, moment: dt.datetime) -> bool:
        zone = zone_of(establishment)
        return timezone.localtime(moment, zone).date() == timezone.localtime(now, zone).date()

    sent = 0
    claimed: dict[int, tuple[object, set[int]]] = {}
    for absence in absences:
        establishment = absence.establishment
        settings = settings_of(establishment)
        if not settings.notify_guardians_same_day or not today_there(establishment, absence.starts_at):
            continue
        if not _claim(Absence, absence.pk, now):
            continue
        claimed.setdefault(establishment.pk, (establishment, set()))[1].add(absence.student_id)
        if absence.declared or absence.state == Regularisation.JUSTIFIED:
            continue
        title, body, sms = absence_texts(absence, settings, prefix_of(establishment))
        _send(notify, absence, title, body, sms)
        sent += 1
    for lateness in latenesses:
        establishment = lateness.establishment
        settings = settings_of(establishment)
        if not settings.notify_guardians_same_day or not today_there(establishment, lateness.occurred_at):
            continue
        if not _claim(Lateness, lateness.pk, now):
            continue
        claimed.setdefault(establishment.pk, (establishment, set()))[1].add(lateness.student_id)
        if lateness.state == Regularisation.JUSTIFIED:
            continue
        title, body, sms = lateness_texts(lateness, settings, prefix_of(establishment))
        _send(notify, lateness, title, body, sms)
        sent += 1
    _evaluate_alerts(claimed)
    return sent


def _evaluate_alerts(claimed: dict) -> None:
    """The students just announced may have crossed an alert threshold: evaluate them now rather
    than at the next pass of the alerts job (a few queries per establishment)."""
    from carnet.attendance.services.alerts import evaluate

    for establishment, student_ids in claimed.values():
        try:
            evaluate(establishment, student_ids=student_ids)
        except Exception:  # the announcement is done; the alerts job will try again
            log.exception("Evaluating the alerts of %s failed", establishment.pk)


def _send(notify, row, title: str, body: str, sms: str) -> None:
    guardians = _guardians(row)
    if not guardians:
        return
    notify(
        recipients=guardians,
        kind=ABSENCE_KIND,
        title=title,
        body=body,
        url=_family_url(row.student),
        establishment=row.establishment,
        sms_text=sms,
        data={
            "student": str(row.student.public_id),
            "object": str(row.public_id),
            "type": row._meta.model_name,
        },
    )


# --- staff and guardians about declarations and the watch list ---------------------------------
def school_life_staff(establishment) -> list:
    """Who hears about declarations and the watch list: the school-life staff (CPE, surveillants),
    or the head and deputies where nobody has that function."""
    functions = StaffFunction.objects.filter(active_function_q(), establishment=establishment).select_related(
        "user"
    )
    school_life = [f.user for f in functions if f.kind == StaffFunction.Kind.SCHOOL_LIFE]
    if school_life:
        return school_life
    return [f.user for f in functions if f.kind in (StaffFunction.Kind.HEAD, StaffFunction.Kind.DEPUTY)]


def notify_declaration_received(declaration: AbsenceDeclaration) -> None:
    from carnet.notifications.services.sending import notify

    recipients = school_life_staff(declaration.establishment)
    if not recipients:
        return
    zone = zone_of(declaration.establishment)
    start = timezone.localtime(declaration.starts_at, zone)
    title = _("Absence déclarée : %(name)s") % {"name": declaration.student.full_name}
    body = _("Par %(guardian)s, à partir du %(day)s à %(at)s%(reason)s.") % {
        "guardian": declaration.declared_by.full_name,
        "day": start.strftime("%d/%m/%Y"),
        "at": clock(start),
        "reason": f" — {declaration.reason.label}" if declaration.reason is not None else "",
    }
    notify(
        recipients=recipients,
        kind=DECLARATION_KIND,
        title=title,
        body=body,
        url=reverse("attendance:declaration", args=[declaration.public_id]),
        establishment=declaration.establishment,
    )


def notify_declaration_decided(declaration: AbsenceDeclaration) -> None:
    from carnet.notifications.services.sending import notify

    zone = zone_of(declaration.establishment)
    day = timezone.localtime(declaration.starts_at, zone).strftime("%d/%m/%Y")
    values = {"name": declaration.student.first_name, "day": day}
    if declaration.status == AbsenceDeclaration.Status.ACCEPTED:
        title = _("Absence de %(name)s du %(day)s : déclaration acceptée") % values
    else:
        title = _("Absence de %(name)s du %(day)s : déclaration refusée") % values
    body = declaration.decision_note
    notify(
        recipients=[declaration.declared_by],
        kind=DECISION_KIND,
        title=title,
        body=body,
        url=_family_url(declaration.student),
        establishment=declaration.establishment,
    )


def notify_watch_entries(establishment, entries: list) -> None:
    from carnet.notifications.services.sending import notify

    recipients = school_life_staff(establishment)
    if not recipients or not entries:
        return
    count = len(entries)
    title = ngettext(
        "%(count)s élève ajouté à la liste des élèves à suivre",
        "%(count)s élèves ajoutés à la liste des élèves à suivre",
        count,
    ) % {"count": count}
    body = "\n".join(f"{entry.student.full_name} : {entry.reason}" for entry in entries[:10])
    notify(
        recipients=recipients,
        kind=WATCH_KIND,
        title=title,
        body=body,
        url=reverse("attendance:watch"),
        establishment=establishment,
    )


# --- periodic jobs ------------------------------------------------------------------------------
def _same_day_job() -> int:
    return notify_same_day()


def _alerts_job() -> int:
    from carnet.attendance.services.alerts import evaluate_all

    return evaluate_all()


def register_jobs() -> None:
    from carnet.notifications import periodic

    periodic.register("attendance.notify_same_day", _same_day_job, every_seconds=SAME_DAY_EVERY_SECONDS)
    periodic.register("attendance.evaluate_alerts", _alerts_job, every_seconds=ALERTS_EVERY_SECONDS)
