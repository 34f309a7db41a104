"""Regularising the older absences and lateness, logging contacts with families, and the
guardians' declarations (pending in the CPE's inbox, or accepted)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F

from carnet.attendance.models import (
    Absence,
    AbsenceDeclaration,
    AbsenceReason,
    Lateness,
    Regularisation,
)
from carnet.attendance.services.absences import regularise_absence
from carnet.attendance.services.contacts import record_contact
from carnet.attendance.services.declarations import decide_declaration, declare_absence
from carnet.core.errors import DomainError
from carnet.demo.schoollife.common import RECENT, Cast, refuse
from carnet.demo.schoollife.documents import attestation_pdf, note_png
from carnet.school import models as school
from carnet.timetable.models import Session

#: Absences regularised through the service (audited, alerts re-evaluated), per establishment; the
#: others in bulk.
SERVICE_REGULARISATIONS = 40


#: (label, weight) of the reasons that justify, per country (labels of `settings.DEFAULT_REASONS`).
JUSTIFYING: dict[str, tuple[tuple[str, int], ...]] = {
    school.Country.FRANCE: (
        ("Maladie", 55),
        ("Rendez-vous médical", 20),
        ("Raison familiale", 15),
        ("Transport", 10),
    ),
    school.Country.BENIN: (
        ("Maladie", 50),
        ("Consultation médicale", 15),
        ("Raison familiale", 15),
        ("Deuil", 5),
        ("Transport", 15),
    ),
}
JUSTIFIED_COMMENTS = (
    "",
    "",
    "",
    "Mot des parents dans le carnet de correspondance.",
    "Certificat médical remis à la vie scolaire.",
    "Appel de la mère le matin même.",
)


def _reasons(cast: Cast) -> tuple[list[tuple[AbsenceReason, int]], AbsenceReason | None]:
    by_label = {
        r.label: r for r in AbsenceReason.objects.filter(establishment=cast.establishment, is_active=True)
    }
    weights = JUSTIFYING.get(cast.establishment.country, JUSTIFYING[school.Country.FRANCE])
    justifying = [(by_label[label], weight) for label, weight in weights if label in by_label]
    if not justifying:
        justifying = [(r, 1) for r in by_label.values() if r.justifies]
    refused = next((r for r in by_label.values() if not r.justifies), None)
    return justifying, refused


def regularise(cast, rng, now, watching, propensity, result) -> None:
    """Absences older than three days: most justified, some unjustified, a few still to justify
    (more unjustified for the students often absent); lateness likewise. See the package docstring
    for what goes through the service. The watched student's last absences stay unexcused."""
    watched, watched_days = watching
    justifying, refused = _reasons(cast)
    if not justifying:
        return
    reasons, weights = zip(*justifying, strict=True)
    declared = AbsenceDeclaration.objects.filter(
        establishment=cast.establishment, status=AbsenceDeclaration.Status.PENDING
    ).values_list("student_id", "starts_at")
    old = (
        Absence.objects.filter(
            establishment=cast.establishment,
            source=Absence.Source.REGISTER,
            state=Regularisation.TO_JUSTIFY,
            starts_at__lt=now - RECENT,
        )
        .exclude(
            student_id=watched.pk,
            starts_at__gte=cast.local(watched_days[0], dt.time(0)) if watched_days else now,
        )
        .exclude(pk__in=[a.pk for a in _pending_absences(cast, declared)])
        .select_related("establishment", "reason")
        .order_by("starts_at", "id")
    )
    bulk: dict[tuple[str, int | None, str], list[int]] = defaultdict(list)
    state: str
    for index, absence in enumerate(old):
        unjustified_rate = 0.45 if propensity.get(absence.student_id, 1) > 2 else 0.10
        draw = rng.random()
        if draw < unjustified_rate:
            if refused is not None and rng.random() < 0.5:
                state, reason, comment = (
                    Regularisation.UNJUSTIFIED,
                    refused,
                    "Motif donné par la famille non recevable.",
                )
            else:
                state, reason, comment = (
                    Regularisation.UNJUSTIFIED,
                    None,
                    "Aucun justificatif malgré deux relances.",
                )
        elif draw < unjustified_rate + 0.08:
            continue  # still to justify: the family has not answered yet
        else:
            state, reason, comment = (
                Regularisation.JUSTIFIED,
                rng.choices(reasons, weights)[0],
                rng.choice(JUSTIFIED_COMMENTS),
            )
        if index < SERVICE_REGULARISATIONS:
            try:
                regularise_absence(
                    actor=cast.cpe,
                    absence=absence,
                    state=state,
                    reason=reason,
                    comment=comment,
                    expected_version=absence.version,
                )
            except DomainError as error:
                refuse(result, "regularise_absence", error)
            continue
        bulk[(state, reason.pk if reason else None, comment)].append(absence.pk)
    for (state, reason_id, comment), ids in bulk.items():
        for start in range(0, len(ids), 500):
            Absence.objects.filter(pk__in=ids[start : start + 500]).update(
                state=state,
                reason_id=reason_id,
                comment=comment,
                version=F("version") + 1,
                updated_at=F("starts_at") + dt.timedelta(days=1),
            )

    transport = next((r for r in reasons if r.label == "Transport"), reasons[0])
    late_bulk: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for lateness in Lateness.objects.filter(
        establishment=cast.establishment, occurred_at__lt=now - RECENT
    ).order_by("occurred_at", "id"):
        draw = rng.random()
        if draw < 0.45:
            late_bulk[(Regularisation.JUSTIFIED, transport.pk)].append(lateness.pk)
        elif draw < 0.75:
            late_bulk[(Regularisation.UNJUSTIFIED, None)].append(lateness.pk)
    for (state, reason_id), ids in late_bulk.items():
        for start in range(0, len(ids), 500):
            Lateness.objects.filter(pk__in=ids[start : start + 500]).update(
                state=state, reason_id=reason_id, version=F("version") + 1
            )


def _pending_absences(cast: Cast, declared) -> list[Absence]:
    """The absences a pending declaration is about: they wait for the CPE's decision."""
    found: list[Absence] = []
    for student_id, starts_at in declared:
        found += Absence.objects.filter(
            establishment=cast.establishment, student_id=student_id, starts_at=starts_at
        )
    return found


def _before_now(moment: dt.datetime, now: dt.datetime, fallback: dt.timedelta) -> dt.datetime:
    return moment if moment <= now else now - fallback


def log_contacts(cast, now, watched, result) -> None:
    """A call about an unjustified absence, an SMS to the watched student's family, a message left
    about a recent absence."""
    absences = Absence.objects.filter(establishment=cast.establishment)
    plans = []
    unjustified = (
        absences.filter(state=Regularisation.UNJUSTIFIED)
        .exclude(student_id=watched.pk)
        .order_by("-starts_at", "id")
        .first()
    )
    if unjustified is not None:
        day = unjustified.starts_at.astimezone(cast.zone).date() + dt.timedelta(days=1)
        plans.append(
            (
                unjustified,
                "call",
                cast.local(day, dt.time(10, 5)),
                "Appel à la famille : absence sans justificatif. La mère passera au bureau de la vie scolaire.",
            )
        )
    mine = absences.filter(student_id=watched.pk).order_by("-starts_at", "id").first()
    if mine is not None:
        plans.append(
            (
                mine,
                "sms",
                mine.starts_at + dt.timedelta(hours=2),
                "SMS aux responsables : absences répétées sans nouvelles, merci de contacter la vie scolaire.",
            )
        )
    recent = (
        absences.filter(state=Regularisation.TO_JUSTIFY, starts_at__gte=now - RECENT)
        .exclude(student_id=watched.pk)
        .order_by("starts_at", "id")
        .first()
    )
    if recent is not None:
        plans.append(
            (
                recent,
                "call",
                recent.starts_at + dt.timedelta(hours=3),
                "Message laissé sur le répondeur du père, rappel attendu.",
            )
        )
    for absence, channel, moment, summary in plans:
        try:
            record_contact(
                actor=cast.cpe,
                establishment=cast.establishment,
                student=cast.student(absence.student_id),
                channel=channel,
                summary=summary,
                contacted_at=_before_now(moment, now, dt.timedelta(minutes=30)),
                absence=absence,
            )
        except DomainError as error:
            refuse(result, "record_contact", error)


# --- declarations ---------------------------------------------------------------------------------
def seed_declarations(cast, rng, now, today, watched, result) -> None:
    """Pending in the CPE's inbox: one made in advance for the next school day (by the printed
    parent), two after the fact with a photo or a PDF; two more already accepted."""
    reasons = {
        r.label: r for r in AbsenceReason.objects.filter(establishment=cast.establishment, is_active=True)
    }
    sick = reasons.get("Maladie") or next(iter(reasons.values()))
    medical = next((r for label, r in reasons.items() if "médical" in label), sick)
    family = reasons.get("Raison familiale", sick)

    guardian = cast.printed.get("guardian")
    child = next(
        (
            s
            for s in cast.students
            if guardian is not None and any(g.pk == guardian.pk for g in cast.guardians.get(s.pk, ()))
        ),
        None,
    )
    if child is not None:
        upcoming = (
            Session.objects.filter(
                establishment=cast.establishment,
                school_year=cast.year,
                held_on__gt=today,
                assignment__school_class_id=cast.class_of[child.pk],
                status=Session.Status.SCHEDULED,
            )
            .order_by("held_on", "start_time", "id")
            .first()
        )
        if upcoming is not None:
            starts_at = cast.local(upcoming.held_on, upcoming.start_time)
            noon = cast.local(upcoming.held_on, dt.time(12, 0))
            ends_at = noon if noon > starts_at else cast.local(upcoming.held_on, upcoming.end_time)
            _declare(
                cast,
                result,
                guardian,
                child,
                starts_at,
                ends_at,
                medical,
                "Rendez-vous chez l'orthodontiste, retour en classe l'après-midi.",
                None,
            )

    printed = {user.pk for user in cast.printed.values()}
    to_justify = Absence.objects.filter(
        establishment=cast.establishment, state=Regularisation.TO_JUSTIFY
    ).exclude(student_id__in=printed | {watched.pk})
    recent = list(to_justify.filter(starts_at__gte=now - RECENT).order_by("-starts_at", "id"))
    older = list(to_justify.filter(starts_at__lt=now - RECENT).order_by("-starts_at", "id"))
    seen: set[int] = set()

    def pick(absences: list[Absence], count: int) -> list[Absence]:
        chosen: list[Absence] = []
        for absence in absences:
            if (
                len(chosen) < count
                and absence.student_id not in seen
                and cast.guardians.get(absence.student_id)
            ):
                seen.add(absence.student_id)
                chosen.append(absence)
        return chosen

    pending = pick(recent, 2)
    pending += pick(older, 2 - len(pending))
    for absence, reason, message, document in zip(
        pending,
        (sick, family),
        (
            "Fièvre depuis la veille, il est resté à la maison. Voici la photo du mot du médecin.",
            "Obsèques d'un proche en province, attestation jointe.",
        ),
        (
            lambda: SimpleUploadedFile("mot-du-medecin.png", note_png(rng), content_type="image/png"),
            lambda: SimpleUploadedFile(
                "attestation.pdf", attestation_pdf(cast), content_type="application/pdf"
            ),
        ),
        strict=False,
    ):
        student = cast.student(absence.student_id)
        _declare(
            cast,
            result,
            cast.guardians[student.pk][0],
            student,
            absence.starts_at,
            absence.ends_at,
            reason,
            message,
            document(),
        )

    # Older absences the families explained after the fact, accepted by the CPE the next morning.
    accepted = pick(older, 2)
    accepted += pick(recent, 2 - len(accepted))
    for absence, reason, message in zip(
        accepted,
        (sick, medical),
        (
            "Gastro-entérite, il a gardé la chambre.",
            "Rendez-vous chez l'ophtalmologiste, prévu de longue date.",
        ),
        strict=False,
    ):
        student = cast.student(absence.student_id)
        declaration = _declare(
            cast,
            result,
            cast.guardians[student.pk][0],
            student,
            absence.starts_at,
            absence.ends_at,
            reason,
            message,
            None,
        )
        if declaration is None:
            continue
        try:
            decide_declaration(
                actor=cast.cpe,
                declaration=declaration,
                accept=True,
                note="",
                expected_version=declaration.version,
            )
        except DomainError as error:
            refuse(result, "decide_declaration", error)
            continue
        declared = absence.ends_at + dt.timedelta(hours=3)
        decided = cast.local(
            absence.ends_at.astimezone(cast.zone).date() + dt.timedelta(days=1), dt.time(8, 40)
        )
        if decided < now:
            AbsenceDeclaration.objects.filter(pk=declaration.pk).update(
                created_at=declared, decided_at=decided
            )


def _declare(
    cast, result, guardian, student, starts_at, ends_at, reason, message, document
) -> AbsenceDeclaration | None:
    try:
        return declare_absence(
            actor=guardian,
            student=student,
            starts_at=starts_at,
            ends_at=ends_at,
            reason_id=reason.public_id if reason else None,
            message=message,
            document=document,
        )
    except DomainError as error:
        refuse(result, "declare_absence", error)
        return None
