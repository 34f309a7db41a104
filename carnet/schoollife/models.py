"""School-life data.

- `ConductRule`: the establishment's rule for the conduct-mark suggestion (Benin, available to any
  establishment): a starting mark, points taken per unjustified half-day of absence and per
  lateness, an optional cap per category; measures take their own `MeasureType.conduct_points`.
  The suggestion is computed for a grading `Period`; it becomes the conduct mark only when a
  person validates it (`grades.ConductMark` through the grades service).
- `LetterTemplate`: a letter to families with placeholders (`{prenom}`, `{classe}`…, see
  `services.letters.PLACEHOLDERS`).
- `Mailing`: one mass mailing — a snapshot of the template, the channel (e-mail, SMS, printable PDF),
  the selection criteria, the date range its counts cover, who prepared and sent it, and when.
- `MailingRecipient`: one letter of a mailing, to one guardian about one student, as rendered at
  preparation time (the preview shows exactly what leaves). Unreachable families are rows too,
  with the reason. E-mail and SMS letters travel as a notification `Delivery` of kind
  "schoollife.letter" (at most once, SMS budget, quiet hours): `delivery` points at it and its
  status is the letter's outcome."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carnet.core.models import PublicIdModel
from carnet.school.models import Establishment

POINTS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("20"))]


class ConductRule(models.Model):
    """One per establishment, created with the defaults below on first use
    (`services.conduct.rule_for`). Amounts are points out of 20, two decimals."""

    establishment = models.OneToOneField(Establishment, on_delete=models.CASCADE, related_name="conduct_rule")
    starting_mark = models.DecimalField(
        _("note de départ (sur 20)"), max_digits=4, decimal_places=2, default=Decimal("18"), validators=POINTS
    )
    per_unjustified_half_day = models.DecimalField(
        _("points retirés par demi-journée d'absence non justifiée"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.5"),
        validators=POINTS,
    )
    per_lateness = models.DecimalField(
        _("points retirés par retard non justifié"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.25"),
        validators=POINTS,
    )
    cap_absences = models.DecimalField(
        _("retrait maximal pour les absences"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=POINTS,
    )
    cap_lateness = models.DecimalField(
        _("retrait maximal pour les retards"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=POINTS,
    )
    cap_measures = models.DecimalField(
        _("retrait maximal pour les punitions et sanctions"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=POINTS,
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(starting_mark__gte=0, starting_mark__lte=20), name="conduct_rule_start_0_20"
            ),
            models.CheckConstraint(
                condition=Q(per_unjustified_half_day__gte=0, per_lateness__gte=0),
                name="conduct_rule_points_not_negative",
            ),
        ]


class LetterTemplate(PublicIdModel):
    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="letter_templates"
    )
    name = models.CharField(_("nom du modèle"), max_length=80)
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("texte de la lettre"), max_length=5000)
    sms_body = models.CharField(
        _("texte du SMS"),
        max_length=300,
        blank=True,
        help_text=_(
            "Facultatif : sans lui, le SMS reprend le début de la lettre. Un SMS fait 160 caractères."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "name"], name="letter_template_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PDF = "pdf", _("Lettre imprimée (PDF)")


class Mailing(PublicIdModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Prêt à envoyer")
        SENT = "sent", _("Envoyé")

    class Selection(models.TextChoices):
        CLASS = "class", _("Une classe")
        THRESHOLD = "threshold", _("Les élèves au-delà d'un seuil")
        STUDENTS = "students", _("Des élèves choisis")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="mailings")
    template = models.ForeignKey(
        LetterTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="mailings"
    )
    name = models.CharField(_("modèle"), max_length=80)
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("texte"))
    sms_body = models.CharField(max_length=300, blank=True)
    channel = models.CharField(_("canal"), max_length=5, choices=Channel.choices)
    selection_kind = models.CharField(_("sélection"), max_length=10, choices=Selection.choices)
    #: The criteria as chosen: {"class": uuid, "class_name": …} | {"threshold": n} | {"students": [uuid…]}
    selection = models.JSONField(default=dict, blank=True)
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au"))
    status = models.CharField(_("état"), max_length=5, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    students_count = models.PositiveIntegerField(default=0)
    letters_count = models.PositiveIntegerField(default=0, help_text="Letters to reachable guardians.")
    unreachable_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["establishment", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="mailing_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", sent_at__isnull=True) | Q(status="sent", sent_at__isnull=False),
                name="mailing_sent_at_iff_sent",
            ),
        ]

    @property
    def is_sent(self) -> bool:
        return self.status == self.Status.SENT


class MailingRecipient(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        SENT = "sent", _("Envoyé")
        UNREACHABLE = "unreachable", _("Injoignable")
        FAILED = "failed", _("Échec")

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="recipients")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=5, choices=Channel.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    unreachable_reason = models.CharField(max_length=200, blank=True)
    address = models.CharField(
        max_length=254, blank=True, help_text="E-mail or phone number at preparation time."
    )
    subject = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    sms_text = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)
    delivery = models.OneToOneField(
        "notifications.Delivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "student", "guardian"],
                condition=Q(guardian__isnull=False),
                name="mailing_recipient_unique",
            ),
        ]
