"""Reads shared by the pages and the API: cards with their latest version number, the download
name of a card, and the rate limit of verification lookups."""

from __future__ import annotations

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils.text import slugify

from carnet.identity.throttle import Throttle
from carnet.reportcards.models import ReportCard

#: Lookups of a verification code per address: 30 a minute, then a minute's wait.
VERIFY_LIMIT = 30
VERIFY_WINDOW = 60


def verify_throttle() -> Throttle:
    return Throttle("reportcards-verify", VERIFY_LIMIT, VERIFY_WINDOW, lock_base=VERIFY_WINDOW, lock_max=VERIFY_WINDOW)


def with_latest(queryset: QuerySet[ReportCard]) -> QuerySet[ReportCard]:
    """Each card annotated with `latest_version`, the highest version of its (period, student):
    greater than `version` means the card was replaced."""
    latest = Subquery(
        ReportCard.objects.filter(period_id=OuterRef("period_id"), student_id=OuterRef("student_id"))
        .values("student_id")
        .annotate(last=Max("version"))
        .values("last")[:1]
    )
    return queryset.annotate(latest_version=latest)


def download_name(card: ReportCard) -> str:
    student = card.content.get("student", {})
    name = slugify(f"bulletin {student.get('last_name', '')} {student.get('first_name', '')} {card.period.name} v{card.version}")
    return f"{name or 'bulletin'}.pdf"
