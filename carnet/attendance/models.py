"""Attendance data.

- `AttendanceSettings`: per establishment (when the afternoon starts, for half-day counting; how
  many minutes late make a lateness count as an absence; whether guardians are told the same day).
- `AbsenceReason`: the establishment's list of reasons (sickness, family event…); a reason that
  `justifies` turns the absence justified when staff accept it.
- `Register`: the roll call of one session (taken by, when, `version` for optimistic concurrency).
  `RegisterEntry` holds only the students who were NOT simply present (absent or late).
- `Absence`: an absence episode of a student (consecutive sessions merge into one), counted in
  half-days, with its source and its regularisation state. `Lateness`: one late arrival.
- `AbsenceDeclaration`: a guardian declares an absence (in advance or after), with a reason and a
  document; staff accept or reject it.
- `FamilyContact`: the log of each contact with the family about attendance.
- `Exemption`: a dispense from a subject, one-off or recurring, with a certificate.
- `AlertRule` and `WatchEntry`: thresholds the establishment sets and the students they put on
  school-life staff's watch list, with the reason.

Documents (declarations, certificates) are private files served only through scoped views."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carnet.core.models import PublicIdModel
from carnet.school.models import Establishment, SchoolYear, Subject
from carnet.timetable.models import Session


class AttendanceSettings(models.Model):
    establishment = models.OneToOneField(Establishment, on_delete=models.CASCADE, related_name="attendance_settings")
    afternoon_starts_at = models.TimeField(_("début de l'après-midi (demi-journées)"), default=dt.time(12, 30))
    late_as_absence_minutes = models.PositiveSmallIntegerField(
        _("un retard compte comme absence au-delà de (minutes, 0 = jamais)"), default=0
    )
    notify_guardians_same_day = models.BooleanField(_("prévenir les responsables le jour même"), default=True)
    register_reminder_minutes = models.PositiveSmallIntegerField(
        _("rappeler un appel non fait après (minutes)"), default=20
    )
    correction_same_day_only = models.BooleanField(_("l'appel se corrige seulement le jour même"), default=True)


class AbsenceReason(PublicIdModel):
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="absence_reasons")
    label = models.CharField(_("motif"), max_length=80)
    justifies = models.BooleanField(_("motif recevable (justifie l'absence)"), default=True)
    is_active = models.BooleanField(_("en service"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]
        constraints = [models.UniqueConstraint(fields=["establishment", "label"], name="absence_reason_unique_label")]

    def __str__(self) -> str:
        return self.label


class Regularisation(models.TextChoices):
    TO_JUSTIFY = "to_justify", _("À justifier")
    JUSTIFIED = "justified", _("Justifiée")
    UNJUSTIFIED = "unjustified", _("Non justifiée")


class Register(PublicIdModel):
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="registers")
    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="register")
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    taken_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)


class RegisterEntry(models.Model):
    class Status(models.TextChoices):
        ABSENT = "absent", _("Absent")
        LATE = "late", _("En retard")

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="entries")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="register_entries")
    status = models.CharField(max_length=6, choices=Status.choices)
    late_minutes = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["register", "student"], name="register_entry_unique_student"),
            models.CheckConstraint(
                condition=Q(status="absent", late_minutes__isnull=True) | Q(status="late", late_minutes__gte=1),
                name="register_entry_minutes_iff_late",
            ),
        ]


class Absence(PublicIdModel):
    """An absence episode: from `starts_at` to `ends_at` (aware moments), `half_days` counted by the
    establishment's rule. `sessions` are the registers' sessions it covers (empty for a staff entry
    of a whole day without a timetable)."""

    class Source(models.TextChoices):
        REGISTER = "register", _("Appel")
        STAFF = "staff", _("Vie scolaire")
        GUARDIAN = "guardian", _("Déclaration d'un responsable")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="absences")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="absences")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences")
    starts_at = models.DateTimeField(_("du"))
    ends_at = models.DateTimeField(_("au"))
    half_days = models.PositiveSmallIntegerField(_("demi-journées"), default=1)
    source = models.CharField(_("origine"), max_length=10, choices=Source.choices)
    state = models.CharField(_("régularisation"), max_length=12, choices=Regularisation.choices, default=Regularisation.TO_JUSTIFY)
    reason = models.ForeignKey(AbsenceReason, on_delete=models.SET_NULL, null=True, blank=True, related_name="absences")
    comment = models.CharField(_("commentaire"), max_length=300, blank=True)
    sessions = models.ManyToManyField(Session, related_name="absences", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    guardians_notified_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="absence_ends_after_start")]
        indexes = [
            models.Index(fields=["establishment", "starts_at"]),
            models.Index(fields=["student", "starts_at"]),
            models.Index(fields=["establishment", "state"]),
        ]


class Lateness(PublicIdModel):
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="latenesses")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="latenesses")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="latenesses")
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="latenesses")
    occurred_at = models.DateTimeField(_("le"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    state = models.CharField(_("régularisation"), max_length=12, choices=Regularisation.choices, default=Regularisation.TO_JUSTIFY)
    reason = models.ForeignKey(AbsenceReason, on_delete=models.SET_NULL, null=True, blank=True, related_name="latenesses")
    comment = models.CharField(_("commentaire"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    guardians_notified_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=1), name="lateness_minutes_positive"),
            models.UniqueConstraint(fields=["session", "student"], condition=Q(session__isnull=False), name="lateness_unique_per_session"),
        ]
        indexes = [
            models.Index(fields=["establishment", "occurred_at"]),
            models.Index(fields=["student", "occurred_at"]),
        ]


def private_upload_to(instance, filename: str) -> str:
    """Random names: the original name is kept in `document_name`, never in the path."""
    import uuid

    return f"attendance/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class AbsenceDeclaration(PublicIdModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("À traiter")
        ACCEPTED = "accepted", _("Acceptée")
        REJECTED = "rejected", _("Refusée")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="absence_declarations")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absence_declarations")
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_absences")
    starts_at = models.DateTimeField(_("du"))
    ends_at = models.DateTimeField(_("au"))
    reason = models.ForeignKey(AbsenceReason, on_delete=models.SET_NULL, null=True, blank=True, related_name="declarations")
    message = models.CharField(_("message"), max_length=500, blank=True)
    document = models.FileField(upload_to=private_upload_to, max_length=200, blank=True)
    document_name = models.CharField(max_length=120, blank=True)
    document_type = models.CharField(max_length=40, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("réponse"), max_length=300, blank=True)
    absences = models.ManyToManyField(Absence, related_name="declarations", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="declaration_ends_after_start")]
        indexes = [models.Index(fields=["establishment", "status"])]


class FamilyContact(PublicIdModel):
    class Channel(models.TextChoices):
        CALL = "call", _("Appel téléphonique")
        SMS = "sms", _("SMS")
        LETTER = "letter", _("Courrier")
        MEETING = "meeting", _("Rencontre")
        EMAIL = "email", _("E-mail")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="family_contacts")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_contacts")
    absence = models.ForeignKey(Absence, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts")
    channel = models.CharField(_("moyen"), max_length=8, choices=Channel.choices)
    contacted_at = models.DateTimeField(_("le"), default=timezone.now)
    summary = models.CharField(_("résumé"), max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-contacted_at"]


class Exemption(PublicIdModel):
    """A dispense from `subject` between two days. `weekdays` empty = every lesson of the subject in
    the range; otherwise only on those weekdays (0 = Monday). One-off = starts_on == ends_on."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="exemptions")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exemptions")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="exemptions")
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au"))
    weekdays = models.JSONField(_("jours"), default=list, blank=True)
    must_attend = models.BooleanField(_("présence en cours obligatoire"), default=True)
    reason = models.CharField(_("motif"), max_length=200, blank=True)
    certificate = models.FileField(upload_to=private_upload_to, max_length=200, blank=True)
    certificate_name = models.CharField(max_length=120, blank=True)
    certificate_type = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="exemption_ends_after_start")]
        indexes = [models.Index(fields=["student", "starts_on"])]

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on and (not self.weekdays or day.weekday() in self.weekdays)


class AlertRule(PublicIdModel):
    class Kind(models.TextChoices):
        UNJUSTIFIED_HALF_DAYS = "unjustified_half_days", _("Demi-journées non justifiées sur une période glissante")
        CONSECUTIVE_DAYS = "consecutive_days", _("Jours d'absence consécutifs")
        LATENESS = "lateness", _("Retards sur une période glissante")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="alert_rules")
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    threshold = models.PositiveSmallIntegerField(_("seuil"))
    window_days = models.PositiveSmallIntegerField(_("sur (jours)"), default=30)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(threshold__gte=1), name="alert_rule_threshold_positive")]


class WatchEntry(PublicIdModel):
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="watch_entries")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watch_entries")
    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="entries")
    reason = models.CharField(_("raison"), max_length=300)
    raised_at = models.DateTimeField(default=timezone.now)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["student", "rule"], condition=Q(cleared_at__isnull=True), name="watch_entry_one_open_per_rule"),
        ]
