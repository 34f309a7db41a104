"""When marks reach students and guardians, and telling them.

- `compute_publication`: the teacher's choice (now, a moment, the establishment's daily hour,
  not yet) turned into the two moments stored on the assessment;
- `notify_due_publications`: the periodic job that tells students and guardians about marks whose
  publication moment has passed (registered with `carnet.notifications.periodic`, run by
  `carnet worker`; tests call it directly);
- `notify_assessment`: the same for one assessment, after an explicit "publish now"."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carnet.core.errors import ValidationFailed
from carnet.grades.models import Assessment, GradingProfile, Mark
from carnet.notifications.services.sending import notify
from carnet.school.models import Establishment, Guardianship

log = logging.getLogger("carnet.grades")

DEFAULT_DAILY_TIME = dt.time(17, 0)
#: A moment typed a few seconds ago ("at" = now in a form) is taken as now, not refused.
PAST_TOLERANCE = dt.timedelta(seconds=60)
#: The periodic job waits until no mark of an assessment changed for this long, so that a teacher
#: entering a column is not announced after the first three marks.
SETTLE = dt.timedelta(minutes=10)
NOTIFICATION_KIND = "grades.published"


def _profile(establishment: Establishment) -> GradingProfile | None:
    return GradingProfile.objects.filter(establishment_id=establishment.pk).first()


def next_daily_publication(establishment: Establishment, now: dt.datetime, profile: GradingProfile | None = None) -> dt.datetime:
    """The establishment's next daily publication moment: today at its hour (local time) if that
    has not passed yet, else tomorrow at that hour. 17:00 when the profile sets none."""
    zone = ZoneInfo(establishment.time_zone)
    at = (profile.daily_publication_time if profile else None) or DEFAULT_DAILY_TIME
    local_now = now.astimezone(zone)
    candidate = dt.datetime.combine(local_now.date(), at, tzinfo=zone)
    if candidate < local_now:
        candidate = dt.datetime.combine(local_now.date() + dt.timedelta(days=1), at, tzinfo=zone)
    return candidate.astimezone(dt.UTC)


def compute_publication(
    *, establishment: Establishment, publication: str, publish_at: dt.datetime | None, now: dt.datetime
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(published_at, guardians_published_at) for the teacher's choice.

    "now" -> now; "at" -> `publish_at` (aware, now or later); "daily" -> the next daily publication
    moment; "hidden" -> (None, None). Guardians get the marks `guardian_delay_hours` after students.
    Raises ValidationFailed for an unknown choice, a missing, naive or past `publish_at`."""
    if publication == Assessment.Publication.HIDDEN:
        return None, None
    profile = _profile(establishment)
    if publication == Assessment.Publication.NOW:
        students = now
    elif publication == Assessment.Publication.AT:
        if publish_at is None:
            raise ValidationFailed(_("Indiquez la date et l'heure de publication."), details={"publish_at": "required"})
        if timezone.is_naive(publish_at):
            raise ValidationFailed(
                _("La date de publication doit préciser son fuseau horaire."), details={"publish_at": "naive"}
            )
        if publish_at < now - PAST_TOLERANCE:
            raise ValidationFailed(
                _("La date de publication est déjà passée : choisissez un moment à venir, ou « tout de suite »."),
                details={"publish_at": "past"},
            )
        students = max(publish_at, now)
    elif publication == Assessment.Publication.DAILY:
        students = next_daily_publication(establishment, now, profile)
    else:
        raise ValidationFailed(
            _("Moment de publication inconnu : tout de suite, à une date, à l'heure quotidienne ou pas encore."),
            details={"publication": "unknown"},
        )
    delay = dt.timedelta(hours=profile.guardian_delay_hours if profile else 0)
    return students, students + delay


# --- notifications -----------------------------------------------------------------------------
def _marks_url() -> str:
    """The families' marks page (its child switcher picks the child)."""
    try:
        return reverse("grades:marks")
    except NoReverseMatch:
        return "/"


def _send(assessments: list[Assessment], now: dt.datetime, *, audience: str = "both") -> int:
    """Tell the students who have a mark in `assessments`, and their guardians (recorded in the
    assessment's establishment), one notification per recipient listing the subjects. Returns the
    number of notifications."""
    if not assessments:
        return 0
    by_id = {a.pk: a for a in assessments}
    rows = list(
        Mark.objects.filter(assessment_id__in=by_id)
        .exclude(status=Mark.Status.NOT_MARKED)
        .values_list("assessment_id", "student_id")
    )
    # student -> assessments in which they have a mark
    per_student: dict[int, set[int]] = defaultdict(set)
    for assessment_id, student_id in rows:
        per_student[student_id].add(assessment_id)
    if not per_student:
        return 0
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=per_student, is_active=True)}
    guardianships = Guardianship.objects.filter(student_id__in=users).select_related("guardian")
    guardians: dict[int, dict[int, set[int]]] = defaultdict(dict)  # guardian -> child -> assessments
    guardian_users = {}
    for row in guardianships:
        relevant = {a for a in per_student[row.student_id] if by_id[a].establishment_id == row.establishment_id}
        if relevant and row.guardian.is_active:
            guardians[row.guardian_id][row.student_id] = relevant
            guardian_users[row.guardian_id] = row.guardian

    url = _marks_url()
    # Group recipients with the same message: one notify() call per group, not per person.
    groups: dict[tuple, list] = defaultdict(list)
    for student_id, ids in per_student.items():
        if student_id in users and audience in {"students", "both"}:
            establishment_id = by_id[min(ids)].establishment_id
            groups[("student", establishment_id, frozenset(ids))].append(users[student_id])
    for guardian_id, children in guardians.items():
        if audience not in {"guardians", "both"}:
            break
        establishment_id = by_id[min(min(ids) for ids in children.values())].establishment_id
        content = frozenset((child, frozenset(ids)) for child, ids in children.items())
        groups[("guardian", establishment_id, content)].append(guardian_users[guardian_id])

    establishments = {a.establishment_id: a.establishment for a in assessments}
    sent = 0
    for (audience, establishment_id, content), recipients in groups.items():
        if audience == "student":
            title, body = _student_message([by_id[a] for a in content])
        else:
            title, body = _guardian_message({users[c]: [by_id[a] for a in ids] for c, ids in content})
        try:
            sent += len(
                notify(
                    recipients=recipients, kind=NOTIFICATION_KIND, title=title, body=body, url=url,
                    establishment=establishments[establishment_id],
                )
            )
        except Exception:  # one group's failure must not keep the others uninformed
            log.exception("Could not notify %d recipient(s) of published marks", len(recipients))
    return sent


def _subjects(items: list[Assessment]) -> str:
    return ", ".join(sorted({a.assignment.subject.name for a in items}))


def _student_message(items: list[Assessment]) -> tuple[str, str]:
    title = ngettext("Nouvelle note en %(subjects)s", "Nouvelles notes en %(subjects)s", len(items)) % {
        "subjects": _subjects(items)
    }
    body = "\n".join(f"{a.assignment.subject.name} : {a.title}" for a in sorted(items, key=lambda a: (a.held_on, a.pk)))
    return title, body


def _guardian_message(children: dict) -> tuple[str, str]:
    lines = []
    for child in sorted(children, key=lambda u: (u.first_name, u.pk)):
        for a in sorted(children[child], key=lambda a: (a.held_on, a.pk)):
            lines.append(f"{child.first_name} — {a.assignment.subject.name} : {a.title}")
    names = ", ".join(sorted(child.first_name for child in children))
    title = ngettext("Nouvelle note pour %(names)s", "Nouvelles notes pour %(names)s", len(lines)) % {"names": names}
    return title, "\n".join(lines)


#: Who is told when: (audience, the moment field, the flag that records it was done).
AUDIENCES = (
    ("students", "published_at", "notified_at"),
    ("guardians", "guardians_published_at", "guardians_notified_at"),
)


def due_assessments(now: dt.datetime, moment: str = "guardians_published_at", flag: str = "notified_at"):
    """Assessments published to an audience (`moment` passed) whose audience was not told yet
    (`flag` empty), with marks that have not changed for SETTLE."""
    return (
        Assessment.objects.filter(**{f"{flag}__isnull": True, f"{moment}__lte": now})
        .annotate(
            marked=Count("marks", filter=~Q(marks__status=Mark.Status.NOT_MARKED)),
            last_change=Max("marks__updated_at"),
        )
        .filter(marked__gt=0, last_change__lte=now - SETTLE)
    )


def _claim(ids: list[int], now: dt.datetime, flag: str = "notified_at") -> list[int]:
    """Record these assessments as told, one by one, keeping those this run claimed first: two
    workers never notify the same assessment twice."""
    return [pk for pk in ids if Assessment.objects.filter(pk=pk, **{f"{flag}__isnull": True}).update(**{flag: now})]


def notify_due_publications(now: dt.datetime | None = None) -> int:
    """Notify students about the marks whose publication moment has passed, and guardians once
    theirs has (it may come a set delay later). Returns the number of notifications created. Safe
    to run often and from several workers."""
    now = now or timezone.now()
    sent = 0
    for audience, moment, flag in AUDIENCES:
        ids = list(due_assessments(now, moment, flag).values_list("pk", flat=True))
        claimed = _claim(ids, now, flag)
        if claimed:
            assessments = list(
                Assessment.objects.filter(pk__in=claimed).select_related("assignment__subject", "establishment")
            )
            sent += _send(assessments, now, audience=audience)
    return sent


def notify_assessment(assessment: Assessment, now: dt.datetime | None = None) -> int:
    """Notify about one assessment now (after "publish now"): each audience whose publication
    moment has passed and who was not told yet. Never raises: a failed notification must not undo
    a publication."""
    now = now or timezone.now()
    try:
        if not Mark.objects.filter(assessment_id=assessment.pk).exclude(status=Mark.Status.NOT_MARKED).exists():
            return 0  # nothing to announce yet: the periodic job will, once marks are entered
        sent = 0
        for audience, moment, flag in AUDIENCES:
            when = getattr(assessment, moment)
            if when is None or when > now or not _claim([assessment.pk], now, flag):
                continue
            fresh = Assessment.objects.select_related("assignment__subject", "establishment").get(pk=assessment.pk)
            sent += _send([fresh], now, audience=audience)
        return sent
    except Exception:
        log.exception("Could not notify the publication of assessment %s", assessment.pk)
        return 0
