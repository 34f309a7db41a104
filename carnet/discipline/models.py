"""Discipline data.

- `DisciplineSettings`: what guardians see and are told (per establishment).
- `MeasureType`: the catalogue — punishments (punitions scolaires: decided by any staff, e.g.
  retenue, devoir supplémentaire) and sanctions (sanctions disciplinaires: decided by the head or
  the disciplinary council, e.g. avertissement, blâme, exclusion). `retention` says when a measure
  of this type leaves the student's record: at the end of the school year, or `retention_days`
  after it was decided (French rules: punishments at year end; avertissement end of the year,
  blâme and temporary exclusions one year, … — the durations are data the establishment edits).
- `Incident`: what happened; `IncidentParticipant`: a student and their part (author, victim,
  witness).
- `Measure`: a punishment or sanction for a student (often from an incident), who decided, the
  dates, the follow-up; `expires_on` is computed from its type when decided; the retention task
  deletes measures whose `expires_on` has passed (the audit journal keeps that it happened)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carnet.core.models import PublicIdModel
from carnet.school.models import Establishment, SchoolYear


class DisciplineSettings(models.Model):
    class GuardianView(models.TextChoices):
        NOTHING = "nothing", _("Rien")
        SANCTIONS = "sanctions", _("Les sanctions seulement")
        MEASURES = "measures", _("Les punitions et les sanctions")
        ALL = "all", _("Les mesures et les incidents qui les motivent")

    establishment = models.OneToOneField(
        Establishment, on_delete=models.CASCADE, related_name="discipline_settings"
    )
    guardians_see = models.CharField(
        _("ce que voient les responsables"),
        max_length=10,
        choices=GuardianView.choices,
        default=GuardianView.MEASURES,
    )
    notify_guardians = models.BooleanField(_("prévenir les responsables d'une mesure"), default=True)
    students_see = models.BooleanField(_("les élèves voient leurs mesures"), default=True)


class MeasureType(PublicIdModel):
    class Category(models.TextChoices):
        PUNISHMENT = "punishment", _("Punition scolaire")
        SANCTION = "sanction", _("Sanction disciplinaire")

    class Retention(models.TextChoices):
        YEAR_END = "year_end", _("Jusqu'à la fin de l'année scolaire")
        YEARS_END = "years_end", _("Jusqu'à la fin d'une année scolaire suivante")
        DAYS = "days", _("Un nombre de jours après la décision")
        PERMANENT = "permanent", _("Conservée dans le dossier")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="measure_types")
    category = models.CharField(_("catégorie"), max_length=10, choices=Category.choices)
    name = models.CharField(_("nom"), max_length=80)
    retention = models.CharField(
        _("conservation"), max_length=10, choices=Retention.choices, default=Retention.YEAR_END
    )
    retention_days = models.PositiveIntegerField(_("durée de conservation (jours)"), null=True, blank=True)
    retention_years = models.PositiveSmallIntegerField(
        _("nombre d'années scolaires suivantes"), null=True, blank=True
    )
    conduct_points = models.DecimalField(
        _("points retirés à la note de conduite"), max_digits=4, decimal_places=2, default=0
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("en service"), default=True)

    class Meta:
        ordering = ["category", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "category", "name"], name="measure_type_unique_name"
            ),
            models.CheckConstraint(
                condition=~Q(retention="days") | Q(retention_days__gte=1), name="measure_type_days_when_days"
            ),
            models.CheckConstraint(
                condition=~Q(retention="years_end") | Q(retention_years__gte=1),
                name="measure_type_years_when_years_end",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Incident(PublicIdModel):
    class Seriousness(models.IntegerChoices):
        MINOR = 1, _("Mineur")
        MODERATE = 2, _("Moyen")
        SERIOUS = 3, _("Grave")
        VERY_SERIOUS = 4, _("Très grave")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="incidents")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="incidents")
    occurred_at = models.DateTimeField(_("quand"))
    place = models.CharField(_("où"), max_length=120)
    description = models.TextField(_("description"), max_length=4000)
    seriousness = models.PositiveSmallIntegerField(
        _("gravité"), choices=Seriousness.choices, default=Seriousness.MINOR
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["establishment", "occurred_at"])]


class IncidentParticipant(models.Model):
    class Role(models.TextChoices):
        AUTHOR = "author", _("Auteur")
        VICTIM = "victim", _("Victime")
        WITNESS = "witness", _("Témoin")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="participants")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incident_parts"
    )
    role = models.CharField(_("rôle"), max_length=8, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "student"], name="incident_participant_unique")
        ]


class Measure(PublicIdModel):
    class Status(models.TextChoices):
        DECIDED = "decided", _("Décidée")
        DONE = "done", _("Effectuée")
        NOT_DONE = "not_done", _("Non effectuée")
        CANCELLED = "cancelled", _("Annulée")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="measures")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="measures")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="disciplinary_measures"
    )
    measure_type = models.ForeignKey(MeasureType, on_delete=models.PROTECT, related_name="measures")
    incident = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="measures"
    )
    reason = models.CharField(_("motif"), max_length=500)
    decided_on = models.DateField(_("décidée le"), default=timezone.localdate)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    due_on = models.DateField(_("à faire le"), null=True, blank=True)
    status = models.CharField(_("suivi"), max_length=10, choices=Status.choices, default=Status.DECIDED)
    follow_up = models.CharField(_("suivi (commentaire)"), max_length=500, blank=True)
    expires_on = models.DateField(_("retirée du dossier le"), null=True, blank=True)
    guardians_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-decided_on", "-created_at"]
        indexes = [
            models.Index(fields=["establishment", "decided_on"]),
            models.Index(fields=["student", "decided_on"]),
            models.Index(fields=["expires_on"]),
        ]
