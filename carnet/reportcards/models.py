"""Report cards (bulletins): immutable published versions with a verification code, and the
background batches that generate them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carnet.core.models import PublicIdModel
from carnet.school.models import Establishment, Period, SchoolClass


class ReportCardQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise TypeError("Published report cards are immutable: issue a new version instead.")

    def delete(self):  # type: ignore[override]
        raise TypeError("Published report cards are immutable.")


class ReportCard(PublicIdModel):
    """One published version of a student's report card for a period. Never changed once written:
    a re-issue writes version n+1 and leaves this one readable (`superseded` is derived, not stored).

    `content` is the snapshot the PDF was drawn from (numbers as strings); `digest` is the SHA-256 of
    its canonical JSON; `verification_code` is what /verify/<code> looks up."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="report_cards")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="report_cards")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="report_cards")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_cards")
    version = models.PositiveSmallIntegerField(default=1)
    content = models.JSONField()
    digest = models.CharField(max_length=64)
    verification_code = models.CharField(max_length=16, unique=True)
    pdf = models.FileField(upload_to="reportcards/%Y/", max_length=200)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ReportCardQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        constraints = [models.UniqueConstraint(fields=["period", "student", "version"], name="report_card_unique_version")]

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise TypeError("Published report cards are immutable: issue a new version instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Published report cards are immutable.")


class ReportCardBatch(PublicIdModel):
    """A background generation of report cards for one student, a class or the whole establishment,
    with its progress for the page that watches it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échec")

    class Scope(models.TextChoices):
        STUDENT = "student", _("Un élève")
        CLASS = "class", _("Une classe")
        ESTABLISHMENT = "establishment", _("Tout l'établissement")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="report_card_batches")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=13, choices=Scope.choices)
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
