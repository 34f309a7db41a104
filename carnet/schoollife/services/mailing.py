"""Mass mailing to families: prepare (select the students, render one letter per legal guardian,
sort out who cannot be reached by the channel), look at the preview, send once.

Reaching people is the notifications core's business: a guardian is reachable by e-mail or SMS
when the channel's backend has an address for them (`backend.reachable`, as `notify` decides) and
they did not set that channel to "never" for letters (kind "schoollife.letter"). Sending creates,
for each letter, an in-app `Notification` (the family finds the letter in Carnet too) and one
`Delivery` on the chosen channel, planned like `notify` plans them (quiet hours hold it for the
next digest, a person's "digest" choice waits for it); the core's delivery machinery then sends
it at most once, counting SMS against the establishment's monthly budget. Printed letters (PDF)
reach every family: one letter per guardian, or per student without a recorded guardian, for the
student to carry home.

Sending is idempotent: the mailing is claimed with a conditional UPDATE (draft → sent), so a
double click, two tabs or a retried request send it once."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carnet.attendance.models import Absence, Regularisation
from carnet.audit.services import record
from carnet.core.errors import NotFound, ValidationFailed
from carnet.notifications import kinds
from carnet.notifications.backends import get_channel
from carnet.notifications.composing import fit_sms
from carnet.notifications.kinds import Mode
from carnet.notifications.models import Delivery, Notification
from carnet.notifications.scheduling import governance
from carnet.notifications.services.sending import effective_modes, enqueue_deliveries
from carnet.school.models import Enrollment, Guardianship, SchoolClass
from carnet.school.roles import current_enrollment_q
from carnet.schoollife import policies
from carnet.schoollife.counting import AttendanceCounts, attendance_counts, day_bounds
from carnet.schoollife.errors import EmptySelection
from carnet.schoollife.models import Channel, LetterTemplate, Mailing, MailingRecipient
from carnet.schoollife.services.letters import render

User = get_user_model()
LETTER_KIND = "schoollife.letter"
AUDIT_SENT = "schoollife.mailing_sent"
MAX_STUDENTS = 2000
Status = MailingRecipient.Status


# --- what a letter says -------------------------------------------------------------------------
def _day(value: dt.date) -> str:
    return formats.date_format(value, "j F Y")


def summary_sentence(counts: AttendanceCounts, *, since: dt.date, until: dt.date) -> str:
    """« Du 1 septembre 2026 au 30 novembre 2026 : 3 absences (5 demi-journées, dont 2 non
    justifiées et 1 à justifier) et 2 retards. »"""
    period = _("Du %(start)s au %(end)s") % {"start": _day(since), "end": _day(until)}
    if not counts.absences and not counts.lateness:
        return _("%(period)s : aucune absence ni aucun retard.") % {"period": period}
    parts = []
    if counts.absences:
        detail = ngettext("%(count)d demi-journée", "%(count)d demi-journées", counts.half_days) % {
            "count": counts.half_days
        }
        extra = []
        if counts.unjustified:
            extra.append(
                ngettext("%(count)d non justifiée", "%(count)d non justifiées", counts.unjustified)
                % {"count": counts.unjustified}
            )
        if counts.to_justify:
            extra.append(_("%(count)d à justifier") % {"count": counts.to_justify})
        if extra:
            detail = _("%(half_days)s, dont %(detail)s") % {
                "half_days": detail,
                "detail": _(" et ").join(extra),
            }
        parts.append(
            ngettext("%(count)d absence (%(detail)s)", "%(count)d absences (%(detail)s)", counts.absences)
            % {"count": counts.absences, "detail": detail}
        )
    else:
        parts.append(_("aucune absence"))
    if counts.lateness:
        parts.append(
            ngettext("%(count)d retard", "%(count)d retards", counts.lateness) % {"count": counts.lateness}
        )
    else:
        parts.append(_("aucun retard"))
    return _("%(period)s : %(first)s et %(second)s.") % {
        "period": period,
        "first": parts[0],
        "second": parts[1],
    }


def letter_values(
    student, *, class_name: str, counts: AttendanceCounts, since: dt.date, until: dt.date
) -> dict[str, str]:
    return {
        "prenom": student.first_name,
        "nom": student.last_name,
        "classe": class_name,
        "date_debut": _day(since),
        "date_fin": _day(until),
        "demi_journees": str(counts.half_days),
        "demi_journees_non_justifiees": str(counts.unjustified),
        "retards": str(counts.lateness),
        "resume": summary_sentence(counts, since=since, until=until),
    }


# --- selection ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Selection:
    """Which students: `kind` is Mailing.Selection; `school_class` for "class", `threshold`
    (unjustified half-days, at least) for "threshold", `students` (public ids) for "students"."""

    kind: str
    school_class: uuid.UUID | None = None
    threshold: int | None = None
    students: Sequence[uuid.UUID] = ()


def _current(establishment):
    return Enrollment.objects.filter(
        current_enrollment_q(), establishment=establishment, student__is_active=True
    )


def _select(
    establishment, selection: Selection, *, since: dt.date, until: dt.date
) -> tuple[list[Enrollment], dict]:
    """The enrollments of the selected students (sorted by class and name) and the criteria to keep."""
    enrollments = _current(establishment).select_related("student", "school_class")
    criteria: dict[str, Any]
    if selection.kind == Mailing.Selection.CLASS:
        school_class = (
            SchoolClass.objects.filter(
                establishment=establishment, school_year__is_current=True, public_id=selection.school_class
            ).first()
            if selection.school_class is not None
            else None
        )
        if school_class is None:
            raise ValidationFailed(
                _("Choisissez une classe de l'établissement."), details={"field": "school_class"}
            )
        enrollments = enrollments.filter(school_class=school_class)
        criteria = {"class": str(school_class.public_id), "class_name": school_class.name}
    elif selection.kind == Mailing.Selection.THRESHOLD:
        threshold = selection.threshold
        if threshold is None or threshold < 1 or threshold > 1000:
            raise ValidationFailed(
                _("Le seuil est un nombre de demi-journées non justifiées, de 1 à 1000."),
                details={"field": "threshold"},
            )
        start, end = day_bounds(establishment.time_zone, since, until)
        over = (
            Absence.objects.filter(
                establishment=establishment,
                state=Regularisation.UNJUSTIFIED,
                starts_at__gte=start,
                starts_at__lt=end,
            )
            .values("student_id")
            .annotate(total=Sum("half_days"))
            .filter(total__gte=threshold)
            .values("student_id")
        )
        enrollments = enrollments.filter(student_id__in=over)
        criteria = {"threshold": threshold}
    elif selection.kind == Mailing.Selection.STUDENTS:
        wanted = list(dict.fromkeys(selection.students))
        if not wanted:
            raise ValidationFailed(_("Choisissez au moins un élève."), details={"field": "students"})
        enrollments = enrollments.filter(student__public_id__in=wanted)
        criteria = {"students": [str(s) for s in wanted]}
    else:
        raise ValidationFailed(
            _("Choisissez comment sélectionner les élèves."), details={"field": "selection_kind"}
        )
    rows = list(
        enrollments.order_by(
            "school_class__normalized_name", "student__last_name", "student__first_name", "student_id"
        )[: MAX_STUDENTS + 1]
    )
    if selection.kind == Mailing.Selection.STUDENTS and len(rows) != len(criteria["students"]):
        raise ValidationFailed(
            _("Certains élèves choisis ne sont pas des élèves actuels de l'établissement."),
            details={"field": "students"},
        )
    if len(rows) > MAX_STUDENTS:
        raise ValidationFailed(
            _("Plus de %(count)d élèves : précisez la sélection.") % {"count": MAX_STUDENTS},
            details={"field": "selection_kind"},
        )
    return rows, criteria


# --- who can be reached -------------------------------------------------------------------------
def _unreachable_reasons(channel: str, guardians: list) -> dict[int, str]:
    """guardian id -> why the channel cannot reach them (as `notify` would decide). Two queries."""
    if channel == Channel.PDF or not guardians:
        return {}
    backend = get_channel(channel)
    reachable = backend.reachable(guardians)
    modes = effective_modes([g.pk for g in guardians], kinds.get(LETTER_KIND))
    reasons = {}
    for guardian in guardians:
        if guardian.pk not in reachable:
            reasons[guardian.pk] = (
                _("Aucune adresse e-mail enregistrée")
                if channel == Channel.EMAIL
                else _("Aucun numéro de téléphone portable enregistré")
            )
        elif modes[(guardian.pk, channel)] == Mode.NEVER:
            reasons[guardian.pk] = (
                _("A choisi de ne pas recevoir les courriers par e-mail")
                if channel == Channel.EMAIL
                else _("A choisi de ne pas recevoir les courriers par SMS")
            )
    return reasons


def _address(channel: str, guardian) -> str:
    if channel == Channel.PDF or guardian is None:
        return ""
    return get_channel(channel).address(guardian)


# --- prepare ------------------------------------------------------------------------------------
def _check_dates(since: dt.date, until: dt.date) -> None:
    if since > until:
        raise ValidationFailed(_("La date de fin précède la date de début."), details={"field": "ends_on"})
    if (until - since).days > 400:
        raise ValidationFailed(_("Une période d'un an au plus."), details={"field": "ends_on"})


def prepare_mailing(
    *,
    actor,
    template: LetterTemplate,
    channel: str,
    selection: Selection,
    starts_on: dt.date,
    ends_on: dt.date,
) -> Mailing:
    """A draft mailing: the selected students' letters rendered for each legal guardian, and the
    families the channel cannot reach, ready for the preview. Nothing leaves yet.

    Raises PermissionDenied (not head, deputy or school life of the template's establishment),
    ValidationFailed (bad channel, dates, class, threshold or students) or EmptySelection. About
    ten queries whatever the number of students."""
    establishment = template.establishment
    policies.ensure_school_life_staff(actor, establishment)
    if channel not in Channel.values:
        raise ValidationFailed(
            _("Choisissez un canal : e-mail, SMS ou lettre imprimée."), details={"field": "channel"}
        )
    _check_dates(starts_on, ends_on)
    enrollments, criteria = _select(establishment, selection, since=starts_on, until=ends_on)
    if not enrollments:
        raise EmptySelection()
    students = [e.student for e in enrollments]
    counts = attendance_counts(
        [s.pk for s in students], establishment=establishment, since=starts_on, until=ends_on
    )
    links: dict[int, list] = {}
    for link in (
        Guardianship.objects.filter(
            establishment=establishment,
            student__in=students,
            has_legal_responsibility=True,
            guardian__is_active=True,
        )
        .select_related("guardian")
        .order_by("guardian__last_name", "guardian__first_name", "guardian_id")
    ):
        links.setdefault(link.student_id, []).append(link.guardian)
    guardians = list({g.pk: g for group in links.values() for g in group}.values())
    unreachable = _unreachable_reasons(channel, guardians)

    rows: list[MailingRecipient] = []
    for enrollment in enrollments:
        student = enrollment.student
        values = letter_values(
            student,
            class_name=enrollment.school_class.name,
            counts=counts.get(student.pk) or AttendanceCounts(),
            since=starts_on,
            until=ends_on,
        )
        subject = render(template.subject, values)[:200]
        text = render(template.body, values)
        sms = fit_sms(render(template.sms_body, values) if template.sms_body else f"{subject}. {text}")
        targets = links.get(student.pk) or [None]
        for guardian in targets:
            if guardian is None and channel != Channel.PDF:
                status, reason = Status.UNREACHABLE, _("Aucun responsable légal enregistré")
            elif guardian is not None and guardian.pk in unreachable:
                status, reason = Status.UNREACHABLE, unreachable[guardian.pk]
            else:
                status, reason = Status.PENDING, ""
            rows.append(
                MailingRecipient(
                    student=student,
                    guardian=guardian,
                    channel=channel,
                    status=status,
                    unreachable_reason=reason,
                    address=_address(channel, guardian)[:254],
                    subject=subject,
                    text=text,
                    sms_text=sms if channel == Channel.SMS else "",
                    position=len(rows),
                )
            )
    with transaction.atomic():
        mailing = Mailing.objects.create(
            establishment=establishment,
            template=template,
            name=template.name,
            subject=template.subject,
            body=template.body,
            sms_body=template.sms_body,
            channel=channel,
            selection_kind=selection.kind,
            selection=criteria,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor,
            students_count=len(students),
            letters_count=sum(1 for r in rows if r.status == Status.PENDING),
            unreachable_count=sum(1 for r in rows if r.status == Status.UNREACHABLE),
        )
        for row in rows:
            row.mailing = mailing
        MailingRecipient.objects.bulk_create(rows)
    return mailing


def discard_mailing(*, actor, mailing: Mailing) -> None:
    """Throw away a mailing that was not sent (a sent one is kept: it is the record of what left)."""
    policies.ensure_school_life_staff(actor, mailing.establishment)
    if mailing.is_sent:
        raise ValidationFailed(_("Ce courrier est déjà parti : il reste dans l'historique."))
    Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.DRAFT).delete()


# --- send ---------------------------------------------------------------------------------------
def _plan_deliveries(mailing: Mailing, letters: list[MailingRecipient], now: dt.datetime) -> list[int]:
    """One in-app notification and one delivery on the mailing's channel per letter (each to a
    guardian), planned like `notify` plans them. Returns the ids of the deliveries to send at once."""
    channel = mailing.channel
    spec = kinds.get(LETTER_KIND)
    pairs = [(letter, letter.guardian) for letter in letters if letter.guardian is not None]
    guardians = [guardian for _letter, guardian in pairs]
    user_ids = [guardian.pk for guardian in guardians]
    rules = governance(user_ids=user_ids, establishment_ids=[mailing.establishment_id])
    modes = effective_modes(user_ids, spec)
    reachable = get_channel(channel).reachable(guardians)
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=guardian,
                establishment_id=mailing.establishment_id,
                kind=LETTER_KIND,
                title=letter.subject,
                body=letter.text,
                url=reverse("schoollife:record", args=[letter.student.public_id]),
                data={"mailing": str(mailing.public_id)},
                sms_text=letter.sms_text,
                created_at=now,
                read_at=now if modes[(guardian.pk, kinds.Channel.IN_APP)] == Mode.NEVER else None,
            )
            for letter, guardian in pairs
        ]
    )
    deliveries = []
    for (letter, guardian), notification in zip(pairs, notifications, strict=True):
        schedule = rules.schedule(guardian.pk, mailing.establishment_id)
        delivery = Delivery(
            notification=notification,
            recipient=guardian,
            establishment_id=mailing.establishment_id,
            channel=channel,
            scheduled_for=now,
            created_at=now,
        )
        mode = modes[(guardian.pk, channel)]
        if guardian.pk not in reachable or mode == Mode.NEVER:
            delivery.status = Delivery.Status.SKIPPED_NO_ADDRESS
        elif mode == Mode.DIGEST or not schedule.may_push(now, urgent=spec.urgent):
            delivery.status = Delivery.Status.PENDING if mode == Mode.DIGEST else Delivery.Status.HELD_QUIET
            delivery.in_digest = True
            delivery.scheduled_for = schedule.next_digest(now)
        deliveries.append(delivery)
        letter.delivery = delivery
    Delivery.objects.bulk_create(deliveries)
    for (letter, _guardian), delivery in zip(pairs, deliveries, strict=True):
        letter.delivery = delivery  # the saved row, with its id
    MailingRecipient.objects.bulk_update([letter for letter, _guardian in pairs], ["delivery"])
    return [d.pk for d in deliveries if d.status == Delivery.Status.PENDING and not d.in_digest]


def send_mailing(*, actor, mailing: Mailing) -> Mailing:
    """Send the letters of a prepared mailing, once. A mailing already sent is returned as it is
    (nothing leaves twice). E-mails and SMS leave after the commit through the notifications
    core; printed letters are then ready to download. Recorded in the audit journal."""
    policies.ensure_school_life_staff(actor, mailing.establishment)
    now = timezone.now()
    with transaction.atomic():
        claimed = Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.DRAFT).update(
            status=Mailing.Status.SENT, sent_at=now, sent_by=actor
        )
        if not claimed:
            mailing.refresh_from_db()
            if not mailing.is_sent:
                raise NotFound()
            return mailing
        mailing.refresh_from_db()
        letters = list(mailing.recipients.filter(status=Status.PENDING).select_related("guardian", "student"))
        due_now: list[int] = []
        if mailing.channel == Channel.PDF:
            mailing.recipients.filter(status=Status.PENDING).update(status=Status.SENT)
        else:
            due_now = _plan_deliveries(mailing, letters, now)
        record(
            actor=actor,
            action=AUDIT_SENT,
            obj=mailing,
            establishment=mailing.establishment,
            changes={
                "letters": (None, len(letters)),
                "unreachable": (None, mailing.unreachable_count),
                "channel": (None, mailing.channel),
            },
            object_repr=f"{mailing.name} — {mailing.get_channel_display()}"[:200],
        )
        if due_now:
            transaction.on_commit(lambda: enqueue_deliveries(due_now))
    return mailing


# --- outcome ------------------------------------------------------------------------------------
_FROM_DELIVERY: dict[str, str] = {
    Delivery.Status.SENT: Status.SENT,
    Delivery.Status.FAILED: Status.FAILED,
    Delivery.Status.SKIPPED_BUDGET: Status.FAILED,
    Delivery.Status.SKIPPED_NO_ADDRESS: Status.UNREACHABLE,
    Delivery.Status.PENDING: Status.PENDING,
    Delivery.Status.HELD_QUIET: Status.PENDING,
}


def outcome_from(status: str, delivery_status: str | None) -> str:
    """A letter's status now: its delivery's outcome for e-mail and SMS, else its own."""
    if delivery_status is not None:
        return _FROM_DELIVERY.get(delivery_status, Status.PENDING)
    return status


def outcome_of(letter: MailingRecipient) -> str:
    delivery = letter.delivery if letter.delivery_id is not None else None
    return outcome_from(letter.status, delivery.status if delivery is not None else None)


def outcome_detail(letter: MailingRecipient) -> str:
    """Why a letter did not leave (yet), in words; empty when it left."""
    delivery = letter.delivery if letter.delivery_id else None
    if delivery is None:
        return letter.unreachable_reason
    if delivery.status == Delivery.Status.SKIPPED_BUDGET:
        return _("Budget SMS du mois épuisé")
    if delivery.status == Delivery.Status.HELD_QUIET:
        return _("Retenu pendant les heures calmes ; part avec le résumé du matin")
    if delivery.status == Delivery.Status.PENDING and delivery.in_digest:
        return _("Part avec le résumé quotidien choisi par la famille")
    if delivery.status == Delivery.Status.SKIPPED_NO_ADDRESS:
        return _("Plus d'adresse au moment de l'envoi")
    if delivery.status == Delivery.Status.FAILED:
        return _("Refusé par le service d'envoi")
    return ""
