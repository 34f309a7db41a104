"""Timetable data. Times of day are naive `TimeField`s read in the establishment's time zone;
a school day is a `DateField` (`*_on`).

- `Resource`: a room or a piece of equipment that can be booked.
- `Slot`: a weekly recurring lesson of a teaching assignment (day, start, end, room, week pattern).
- `Session`: one dated lesson, generated from a slot (`slot` + `original_on` identify it, so that
  regenerating is idempotent) or added as an extra session (`slot` is null). A change (cancel, move,
  room, replacement teacher) edits the session in place and is recorded in `SessionChange`.
- `Booking`: a resource booked for a date and times, pending approval when the resource asks for it.
- `CalendarFeedToken`: the secret of a person's iCalendar feed URL (only its digest is stored)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carnet.core.models import PublicIdModel
from carnet.school.models import Establishment, NormalizedNameModel, SchoolYear, TeachingAssignment


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Lundi")
    TUESDAY = 1, _("Mardi")
    WEDNESDAY = 2, _("Mercredi")
    THURSDAY = 3, _("Jeudi")
    FRIDAY = 4, _("Vendredi")
    SATURDAY = 5, _("Samedi")
    SUNDAY = 6, _("Dimanche")


class WeekPattern(models.TextChoices):
    EVERY = "every", _("Toutes les semaines")
    WEEK_A = "A", _("Semaine A")
    WEEK_B = "B", _("Semaine B")


class TimetableSettings(models.Model):
    """Per establishment. Week A is the ISO week whose parity is `week_a_parity` ("odd" or "even")."""

    class Parity(models.TextChoices):
        ODD = "odd", _("Semaines impaires")
        EVEN = "even", _("Semaines paires")

    establishment = models.OneToOneField(Establishment, on_delete=models.CASCADE, related_name="timetable_settings")
    week_a_parity = models.CharField(_("la semaine A est"), max_length=4, choices=Parity.choices, default=Parity.ODD)
    same_day_changes_in_quiet_hours = models.BooleanField(
        _("prévenir d'un changement du jour même pendant les heures calmes"), default=True
    )
    bookings_need_approval = models.BooleanField(_("les réservations sont validées par le personnel"), default=False)

    def week_of(self, day: dt.date) -> str:
        """"A" or "B" for the ISO week holding `day`."""
        odd = day.isocalendar().week % 2 == 1
        is_a = odd if self.week_a_parity == self.Parity.ODD else not odd
        return WeekPattern.WEEK_A if is_a else WeekPattern.WEEK_B


class Resource(NormalizedNameModel):
    class Kind(models.TextChoices):
        ROOM = "room", _("Salle")
        EQUIPMENT = "equipment", _("Matériel")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.ROOM)
    capacity = models.PositiveSmallIntegerField(_("capacité"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    bookable = models.BooleanField(_("réservable"), default=True)
    needs_approval = models.BooleanField(_("réservation soumise à validation"), default=False)
    is_active = models.BooleanField(_("en service"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "kind", "normalized_name"], name="resource_unique_name"),
        ]


class Slot(PublicIdModel):
    """A weekly lesson. `valid_from`/`valid_until` bound it inside the school year (both optional)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="slots")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="slots")
    assignment = models.ForeignKey(TeachingAssignment, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    start_time = models.TimeField(_("début"))
    end_time = models.TimeField(_("fin"))
    room = models.ForeignKey(Resource, on_delete=models.SET_NULL, null=True, blank=True, related_name="slots")
    week_pattern = models.CharField(_("semaine"), max_length=5, choices=WeekPattern.choices, default=WeekPattern.EVERY)
    valid_from = models.DateField(_("à partir du"), null=True, blank=True)
    valid_until = models.DateField(_("jusqu'au"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="slot_ends_after_start"),
        ]
        indexes = [models.Index(fields=["establishment", "weekday"])]


class Session(PublicIdModel):
    """One dated lesson. `teacher` is who teaches it (the assignment's teacher, or a replacement)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Prévue")
        CANCELLED = "cancelled", _("Annulée")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="sessions")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="sessions")
    assignment = models.ForeignKey(TeachingAssignment, on_delete=models.CASCADE, related_name="sessions")
    slot = models.ForeignKey(Slot, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions")
    original_on = models.DateField(null=True, blank=True, help_text="The slot's date this session was generated for.")
    held_on = models.DateField(_("date"))
    start_time = models.TimeField(_("début"))
    end_time = models.TimeField(_("fin"))
    room = models.ForeignKey(Resource, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions")
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="taught_sessions")
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    is_extra = models.BooleanField(_("séance supplémentaire"), default=False)
    note = models.CharField(_("information"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="session_ends_after_start"),
            models.UniqueConstraint(
                fields=["slot", "original_on"], condition=Q(slot__isnull=False), name="session_unique_per_slot_day"
            ),
        ]
        indexes = [
            models.Index(fields=["establishment", "held_on"]),
            models.Index(fields=["teacher", "held_on"]),
            models.Index(fields=["assignment", "held_on"]),
            models.Index(fields=["room", "held_on"]),
        ]

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class SessionChange(PublicIdModel):
    """What changed in a session, by whom and when; `before`/`after` hold the changed fields as text."""

    class Kind(models.TextChoices):
        CANCELLED = "cancelled", _("Séance annulée")
        RESTORED = "restored", _("Séance rétablie")
        MOVED = "moved", _("Séance déplacée")
        ROOM = "room", _("Changement de salle")
        REPLACEMENT = "replacement", _("Remplacement")
        EXTRA = "extra", _("Séance supplémentaire")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="session_changes")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.CharField(_("message"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]


class Booking(PublicIdModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de validation")
        APPROVED = "approved", _("Confirmée")
        REFUSED = "refused", _("Refusée")
        CANCELLED = "cancelled", _("Annulée")

    #: Statuses that hold the resource (a pending request blocks it until decided).
    HOLDING = (Status.PENDING, Status.APPROVED)

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="bookings")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="bookings")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings")
    booked_on = models.DateField(_("date"))
    start_time = models.TimeField(_("début"))
    end_time = models.TimeField(_("fin"))
    purpose = models.CharField(_("motif"), max_length=200)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.APPROVED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("réponse"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["booked_on", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="booking_ends_after_start"),
        ]
        indexes = [models.Index(fields=["resource", "booked_on"])]


class CalendarFeedToken(PublicIdModel):
    """A person's iCalendar feed secret. Only the SHA-256 digest is stored; revoking deletes it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
