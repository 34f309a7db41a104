"""Publishing report cards: one student, a class, or a background batch (one student, a class or
the whole establishment).

Each publication writes a new immutable version per student (version = the student's latest for
the period + 1; older versions stay readable), with its content snapshot, the SHA-256 digest of
that snapshot, a fresh verification code and the PDF in the default storage.

A class costs a constant number of queries whatever its size: one `period_results` (audience
"staff"), a few reads for appraisals, conduct and versions, one bulk insert, one audit event and
one notification call. The PDFs are drawn before the transaction opens (so the write lock of SQLite
is held only for the insert); a concurrent publication of the same version makes the insert fail
with `Conflict` and the drawn files are removed."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carnet.audit.services import record
from carnet.core.errors import Conflict, DomainError, ValidationFailed
from carnet.grades.computation import period_results, student_class
from carnet.notifications.services.sending import notify
from carnet.reportcards import codes, policies
from carnet.reportcards.content import class_contents
from carnet.reportcards.models import ReportCard, ReportCardBatch
from carnet.reportcards.pdf import render_pdf
from carnet.school.models import Enrollment, Guardianship, SchoolClass

logger = logging.getLogger("carnet.reportcards")

PUBLISHED = "reportcards.published"
BATCH_STARTED = "reportcards.batch_started"
#: The batch's progress is written every this many cards.
PROGRESS_EVERY = 5

Progress = Callable[[int], None]


# --- helpers --------------------------------------------------------------------------------------
def verify_url(code: str) -> str:
    """The absolute address of a code's public check (printed as the QR code): CARNET_SITE_URL +
    /verify/<code>/."""
    base = getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000"
    return base.rstrip("/") + reverse("reportcards:verify", args=[codes.formatted(code)])


def issue_of(card: ReportCard) -> dict:
    """What the footer of the card's PDF prints about this published version."""
    tz = card.establishment.time_zone if card.establishment_id else None
    moment = timezone.localtime(card.published_at, timezone=_zone(tz))
    return {
        "code": card.verification_code,
        "verify_url": verify_url(card.verification_code),
        "digest": card.digest,
        "version": card.version,
        "published_on": moment.strftime("%d/%m/%Y"),
    }


def _zone(name: str | None):
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _fresh_codes(count: int) -> list[str]:
    """`count` verification codes used by no card (50 random bits each: a clash is very unlikely,
    but checked)."""
    result: list[str] = []
    while len(result) < count:
        wanted = {codes.new_code() for _ in range(count - len(result))} - set(result)
        taken = set(ReportCard.objects.filter(verification_code__in=wanted).values_list("verification_code", flat=True))
        result.extend(sorted(wanted - taken))
    return result


def _check_period(period, school_class: SchoolClass) -> None:
    if period.school_year_id != school_class.school_year_id or period.establishment_id != school_class.establishment_id:
        raise ValidationFailed(_("Cette période n'est pas une période de l'année de la classe."))


def _draw(*, actor, period, school_class: SchoolClass, contents: dict[int, dict], progress: Progress | None) -> list[ReportCard]:
    """Unsaved cards with their PDFs already stored."""
    student_ids = list(contents)
    latest = dict(
        ReportCard.objects.filter(period=period, student_id__in=student_ids)
        .values("student_id")
        .annotate(last=Max("version"))
        .values_list("student_id", "last")
    )
    fresh = _fresh_codes(len(student_ids))
    now = timezone.now()
    year = period.school_year.name
    establishment = school_class.establishment
    cards = []
    try:
        for index, (student_id, content) in enumerate(contents.items(), start=1):
            card = ReportCard(
                establishment=establishment,
                period=period,
                school_class=school_class,
                student_id=student_id,
                version=latest.get(student_id, 0) + 1,
                content=content,
                digest=codes.digest(content),
                verification_code=fresh[index - 1],
                published_at=now,
                published_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            data = render_pdf(content, issue=issue_of(card))
            card.pdf.name = default_storage.save(f"reportcards/{year}/{card.public_id}.pdf", ContentFile(data))
            cards.append(card)
            if progress is not None and index % PROGRESS_EVERY == 0:
                progress(index)
    except BaseException:
        _remove_files(cards)
        raise
    if progress is not None:
        progress(len(cards))
    return cards


def _remove_files(cards: list[ReportCard]) -> None:
    for card in cards:
        if card.pdf.name:
            default_storage.delete(card.pdf.name)


def _insert(cards: list[ReportCard]) -> None:
    try:
        with transaction.atomic():
            ReportCard.objects.bulk_create(cards)
    except IntegrityError:
        _remove_files(cards)
        raise Conflict(
            _("Des bulletins de ces élèves viennent d'être publiés par ailleurs : relancez la publication.")
        ) from None


def _notify(cards: list[ReportCard], period, establishment) -> None:
    student_ids = [card.student_id for card in cards]
    students = list(Enrollment.objects.filter(student_id__in=student_ids, establishment=establishment).select_related("student"))
    guardians = Guardianship.objects.filter(student_id__in=student_ids, establishment=establishment).select_related("guardian")
    recipients = {e.student_id: e.student for e in students}
    for row in guardians:
        recipients.setdefault(row.guardian_id, row.guardian)
    if not recipients:
        return
    title = cards[0].content.get("title") or period.name
    notify(
        recipients=list(recipients.values()),
        kind=PUBLISHED,
        title=_("%(title)s disponible") % {"title": title},
        body=_("Le bulletin de la période « %(period)s » est publié : vous pouvez le lire et le télécharger.")
        % {"period": period.name},
        url=reverse("reportcards:index"),
        establishment=establishment,
    )


# --- publication ----------------------------------------------------------------------------------
def publish_for_class(*, actor, period, school_class: SchoolClass, progress: Progress | None = None) -> list[ReportCard]:
    """Publish a new version of the report card of every student of the class for the period.

    Authorization: `policies.can_publish` (the class's main teacher, head, deputies). One audit
    event "reportcards.published" for the class with the count; students and guardians notified
    (kind "reportcards.published") after the commit. `progress(done)` is called as PDFs are drawn.
    Returns the new cards (empty for a class without students: nothing recorded)."""
    policies.ensure_can_publish(actor, school_class)
    _check_period(period, school_class)
    results = period_results(school_class=school_class, period=period, audience="staff")
    contents = class_contents(school_class=school_class, period=period, results=results)
    if not contents:
        return []
    cards = _draw(actor=actor, period=period, school_class=school_class, contents=contents, progress=progress)
    with transaction.atomic():
        _insert(cards)
        record(
            actor=actor,
            action=PUBLISHED,
            obj=school_class,
            establishment=school_class.establishment,
            changes={"period": (None, period.name), "count": (None, len(cards))},
            object_repr=f"{school_class.name} · {period.name}",
        )
        transaction.on_commit(lambda: _notify(cards, period, school_class.establishment))
    return cards


def publish_for_student(*, actor, period, student) -> ReportCard:
    """Publish a new version of one student's report card for the period (their class of that
    period: ranks and class statistics are the class's). Same rules as `publish_for_class`; the
    audit event names the card."""
    school_class = student_class(student, period)
    if school_class is None:
        raise ValidationFailed(_("Cet élève n'est inscrit dans aucune classe cette année-là."))
    policies.ensure_can_publish(actor, school_class)
    _check_period(period, school_class)
    results = period_results(school_class=school_class, period=period, audience="staff")
    contents = class_contents(school_class=school_class, period=period, results=results, students=[student])
    if student.pk not in contents:
        raise ValidationFailed(_("Cet élève n'est pas dans la classe pour cette période."))
    cards = _draw(actor=actor, period=period, school_class=school_class, contents=contents, progress=None)
    card = cards[0]
    with transaction.atomic():
        _insert(cards)
        record(
            actor=actor,
            action=PUBLISHED,
            obj=card,
            establishment=school_class.establishment,
            changes={"period": (None, period.name), "count": (None, 1), "version": (None, card.version)},
            object_repr=f"{student.full_name} · {school_class.name} · {period.name}",
        )
        transaction.on_commit(lambda: _notify(cards, period, school_class.establishment))
    return card


# --- batches --------------------------------------------------------------------------------------
def _batch_classes(batch: ReportCardBatch) -> list[SchoolClass]:
    if batch.scope == ReportCardBatch.Scope.CLASS:
        return [batch.school_class] if batch.school_class else []
    return list(
        SchoolClass.objects.filter(establishment=batch.establishment, school_year_id=batch.period.school_year_id)
        .select_related("establishment", "level", "series", "school_year")
        .order_by("level__rank", "name")
    )


def _class_sizes(classes: list[SchoolClass], period) -> dict[int, int]:
    from django.db.models import Count

    from carnet.grades.computation.period import enrollments_on, reference_day

    rows = (
        Enrollment.objects.filter(school_class__in=classes)
        .filter(enrollments_on(reference_day(period)))
        .values("school_class_id")
        .annotate(n=Count("student_id", distinct=True))
    )
    return {row["school_class_id"]: row["n"] for row in rows}


def start_batch(*, actor, period, scope: str, school_class: SchoolClass | None = None, student=None) -> ReportCardBatch:
    """Queue the background generation of report cards for one student, a class or the whole
    establishment (head and deputies only) for `period`; the task `tasks.generate_batch` runs it
    after the commit and keeps `done`/`total` up to date."""
    Scope = ReportCardBatch.Scope
    if scope == Scope.STUDENT:
        if student is None:
            raise ValidationFailed(_("Choisissez un élève."))
        school_class = student_class(student, period)
        if school_class is None:
            raise ValidationFailed(_("Cet élève n'est inscrit dans aucune classe cette année-là."))
        policies.ensure_can_publish(actor, school_class)
        establishment = school_class.establishment
    elif scope == Scope.CLASS:
        if school_class is None:
            raise ValidationFailed(_("Choisissez une classe."))
        policies.ensure_can_publish(actor, school_class)
        student = None
        establishment = school_class.establishment
    elif scope == Scope.ESTABLISHMENT:
        establishment = period.establishment
        policies.ensure_can_publish_establishment(actor, establishment)
        school_class, student = None, None
    else:
        raise ValidationFailed(_("Portée inconnue."))
    if school_class is not None:
        _check_period(period, school_class)
    with transaction.atomic():
        batch = ReportCardBatch.objects.create(
            establishment=establishment,
            period=period,
            scope=scope,
            school_class=school_class,
            student=student,
            total=1 if scope == Scope.STUDENT else 0,
            created_by=actor,
        )
        record(
            actor=actor,
            action=BATCH_STARTED,
            obj=batch,
            establishment=establishment,
            changes={"scope": (None, scope), "period": (None, period.name)},
            object_repr=f"{period.name} · {school_class.name if school_class else establishment.name}",
        )
        transaction.on_commit(lambda: _enqueue(batch))
    return batch


def _enqueue(batch: ReportCardBatch) -> None:
    from carnet.reportcards.tasks import generate_batch

    generate_batch.enqueue(str(batch.public_id))


def _set(batch: ReportCardBatch, **fields) -> None:
    for name, value in fields.items():
        setattr(batch, name, value)
    ReportCardBatch.objects.filter(pk=batch.pk).update(**fields)


def run_batch(*, batch_id: str) -> ReportCardBatch:
    """The body of the background task: publish the batch's cards class by class, writing progress
    as it goes; ends "done", or "failed" with the reason (cards of classes already finished stay
    published)."""
    batch = ReportCardBatch.objects.select_related(
        "establishment", "period__school_year", "school_class__establishment", "student", "created_by"
    ).get(public_id=batch_id)
    if batch.status != ReportCardBatch.Status.QUEUED:
        return batch
    _set(batch, status=ReportCardBatch.Status.RUNNING)
    done = 0
    try:
        actor = batch.created_by
        if actor is None:
            raise ValidationFailed(_("La personne qui a lancé la génération n'existe plus."))
        if batch.scope == ReportCardBatch.Scope.STUDENT:
            publish_for_student(actor=actor, period=batch.period, student=batch.student)
            done = 1
            _set(batch, done=done)
        else:
            classes = _batch_classes(batch)
            sizes = _class_sizes(classes, batch.period)
            classes = [c for c in classes if sizes.get(c.pk)]
            _set(batch, total=sum(sizes.get(c.pk, 0) for c in classes))
            for school_class in classes:
                before = done

                def progress(count: int, before: int = before) -> None:
                    _set(batch, done=before + count)

                cards = publish_for_class(actor=actor, period=batch.period, school_class=school_class, progress=progress)
                done = before + len(cards)
                _set(batch, done=done)
            if done != batch.total:
                _set(batch, total=done)
    except DomainError as error:
        _set(batch, status=ReportCardBatch.Status.FAILED, error=str(error.message), finished_at=timezone.now())
        return batch
    except Exception as error:
        logger.exception("report card batch %s failed", batch.public_id)
        _set(
            batch,
            status=ReportCardBatch.Status.FAILED,
            error=_("Erreur inattendue : %(error)s") % {"error": str(error)[:300]},
            finished_at=timezone.now(),
        )
        return batch
    _set(batch, status=ReportCardBatch.Status.DONE, finished_at=timezone.now())
    return batch


def batch_summary(batch: ReportCardBatch) -> str:
    if batch.status == ReportCardBatch.Status.DONE:
        return ngettext("%(count)d bulletin publié.", "%(count)d bulletins publiés.", batch.done) % {"count": batch.done}
    if batch.status == ReportCardBatch.Status.FAILED:
        return batch.error
    if batch.total:
        return _("%(done)d bulletins sur %(total)d…") % {"done": batch.done, "total": batch.total}
    return _("Préparation…")
