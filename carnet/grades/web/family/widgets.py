"""The "Dernières notes" home widget of the student and guardian sides: the last five marks
published to this audience, with the subject and, when the establishment shows it, the class mean.
Four queries whatever the number of marks."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.grades.models import GradingProfile
from carnet.grades.web.family import data
from carnet.grades.web.family.people import GUARDIAN, STUDENT, Viewer

LIMIT = 5


def latest_marks_context(request, scope) -> dict | None:
    if scope.student is None:
        return None
    audience = GUARDIAN if scope.side == "guardian" else STUDENT
    viewer = Viewer(request.user, scope.student, audience)
    now = timezone.now()
    moment = "assessment__guardians_published_at" if audience == GUARDIAN else "assessment__published_at"
    marks = list(
        data.visible_marks(viewer, now=now)
        .select_related("assessment", "assessment__assignment__subject")
        .order_by(F(moment).desc(nulls_last=True), "-assessment__held_on", "-assessment_id")[:LIMIT]
    )
    shown = set(
        GradingProfile.objects.filter(
            establishment_id__in={m.establishment_id for m in marks}, stats_visible_to_families=True
        ).values_list("establishment_id", flat=True)
    ) if marks else set()
    with_stats = [m for m in marks if m.establishment_id in shown]
    stats = (
        data.assessment_stats([m.assessment_id for m in with_stats], {m.assessment_id: m.assessment.scale for m in with_stats})
        if with_stats
        else {}
    )
    rows = [
        data.MarkRow(
            mark=m,
            assessment=m.assessment,
            text=data.format_mark(m),
            is_new=bool((p := data.published_moment(viewer, m.assessment)) and now - p <= data.NEW_FOR),
            stats=stats.get(m.assessment_id),
        )
        for m in marks
    ]
    title = _("Dernières notes")
    query = f"?child={scope.student.public_id}" if audience == GUARDIAN else ""
    return {"latest_rows": rows, "latest_title": title, "latest_query": query, "latest_side": scope.side}
