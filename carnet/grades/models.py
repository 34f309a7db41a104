"""Marks and what makes averages: grading profiles, subject coefficients, assessments, marks,
appraisals, conduct marks and class councils.

Every row carries its `establishment`. Marks and averages are Decimal, never float. Rows that two
people may edit at once carry a `version` that a write must name (optimistic concurrency)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carnet.core.models import PublicIdModel
from carnet.school.models import (
    Establishment,
    Level,
    Period,
    SchoolClass,
    SchoolYear,
    Series,
    Subject,
    TeachingAssignment,
)


def default_decision_bands() -> list[dict]:
    return [{"min": "10", "label": "Passe"}, {"min": "0", "label": "Redouble"}]


def default_mention_choices() -> list[str]:
    return ["Félicitations", "Compliments", "Encouragements", "Avertissement travail", "Avertissement conduite"]


def default_annual_weights() -> list[str]:
    return []


def default_custom_components() -> list[dict]:
    return []


class GradingProfile(models.Model):
    """How an establishment turns marks into averages. Data, not code: the engine reads it.

    `formula`:
    - weighted: France — weighted mean of marks brought back to /20, by assessment coefficient;
    - benin: Benin public — (MI + sum of devoirs) / (1 + number of devoirs), MI = mean of interrogations;
    - custom: `custom_components`, a list of {"role": "interrogation"|"devoir"|"other",
      "mode": "mean"|"each", "weight": "1"} — "mean" makes one term of the role's weighted mean,
      "each" makes one term per mark; the average is the weighted mean of the terms.
    """

    class Formula(models.TextChoices):
        WEIGHTED = "weighted", _("Moyenne pondérée des notes (France)")
        BENIN = "benin", _("(MI + devoirs) / (1 + nombre de devoirs) (Bénin, public)")
        CUSTOM = "custom", _("Personnalisée")

    class Missing(models.TextChoices):
        SKIP = "skip", _("Ignorée")
        ZERO = "zero", _("Comptée 0")
        BLOCK = "block", _("Bloque la moyenne")

    class NotHandedIn(models.TextChoices):
        ZERO = "zero", _("Compté 0")
        SKIP = "skip", _("Non compté")

    class AnnualRule(models.TextChoices):
        MEAN = "mean", _("Moyenne simple des périodes")
        WEIGHTED = "weighted", _("Pondérée, (S1 + 2×S2) / 3 par défaut")

    establishment = models.OneToOneField(Establishment, on_delete=models.CASCADE, related_name="grading_profile")
    formula = models.CharField(_("calcul de la moyenne d'une matière"), max_length=10, choices=Formula.choices)
    custom_components = models.JSONField(default=default_custom_components, blank=True)
    missing_mark = models.CharField(_("note manquante"), max_length=5, choices=Missing.choices, default=Missing.SKIP)
    not_handed_in = models.CharField(_("copie non rendue"), max_length=5, choices=NotHandedIn.choices, default=NotHandedIn.ZERO)
    ranks_enabled = models.BooleanField(_("rangs"), default=False)
    annual_rule = models.CharField(_("moyenne annuelle"), max_length=10, choices=AnnualRule.choices, default=AnnualRule.MEAN)
    # One weight per period number ("1", "2"); empty means (S1 + 2×S2)/3 for two periods, equal otherwise.
    annual_weights = models.JSONField(default=default_annual_weights, blank=True)
    # Ordered from the highest threshold: [{"min": "10", "label": "Passe"}, {"min": "0", "label": "Redouble"}]
    decision_bands = models.JSONField(default=default_decision_bands, blank=True)
    mention_choices = models.JSONField(default=default_mention_choices, blank=True)
    conduct_enabled = models.BooleanField(_("conduite comptée comme une matière"), default=False)
    conduct_coefficient = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("1"))
    stats_visible_to_families = models.BooleanField(_("statistiques de classe visibles des familles"), default=True)
    daily_publication_time = models.TimeField(_("heure de publication quotidienne"), null=True, blank=True)
    guardian_delay_hours = models.PositiveSmallIntegerField(
        _("délai avant publication aux responsables (heures)"), default=0, validators=[MaxValueValidator(168)]
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.establishment} ({self.formula})"


class SubjectCoefficient(PublicIdModel):
    """Reference data: a subject's coefficient for a level (and series) in a school year.

    A row with no series applies to every series of the level; a row with a series wins over it.
    When no row applies, the teaching assignment's coefficient is used. `is_bonus` marks an optional
    subject of which only the points above 10 count."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="subject_coefficients")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="subject_coefficients")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="subject_coefficients")
    series = models.ForeignKey(Series, on_delete=models.CASCADE, null=True, blank=True, related_name="subject_coefficients")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="coefficients")
    coefficient = models.DecimalField(_("coefficient"), max_digits=5, decimal_places=2)
    is_bonus = models.BooleanField(_("matière facultative (points au-dessus de 10)"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "level", "series", "subject"], condition=Q(series__isnull=False), name="subject_coef_unique_series"
            ),
            models.UniqueConstraint(
                fields=["school_year", "level", "subject"], condition=Q(series__isnull=True), name="subject_coef_unique_level"
            ),
            models.CheckConstraint(condition=Q(coefficient__gt=0), name="subject_coef_positive"),
        ]


class AssessmentKind(models.TextChoices):
    INTERROGATION = "interrogation", _("Interrogation")
    DEVOIR = "devoir", _("Devoir")
    COMPOSITION = "composition", _("Composition")
    ORAL = "oral", _("Oral")
    PRACTICAL = "practical", _("Travaux pratiques")
    HOMEWORK = "homework", _("Devoir maison")
    OTHER = "other", _("Autre")


class Role(models.TextChoices):
    """What an assessment is to the Beninese/custom formula."""

    INTERROGATION = "interrogation", _("interrogation")
    DEVOIR = "devoir", _("devoir")
    OTHER = "other", _("autre")


BUILTIN_KIND_ROLES: dict[str, str] = {
    AssessmentKind.INTERROGATION: Role.INTERROGATION,
    AssessmentKind.ORAL: Role.INTERROGATION,
    AssessmentKind.PRACTICAL: Role.INTERROGATION,
    AssessmentKind.HOMEWORK: Role.INTERROGATION,
    AssessmentKind.DEVOIR: Role.DEVOIR,
    AssessmentKind.COMPOSITION: Role.DEVOIR,
    AssessmentKind.OTHER: Role.OTHER,
}


class CustomAssessmentKind(PublicIdModel):
    """A kind of assessment an establishment adds ("Exposé", "Contrôle commun"), with its role."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="assessment_kinds")
    name = models.CharField(_("nom"), max_length=60)
    role = models.CharField(_("rôle dans le calcul"), max_length=15, choices=Role.choices, default=Role.INTERROGATION)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["establishment", "name"], name="custom_kind_unique_name")]

    def __str__(self) -> str:
        return self.name


class Assessment(PublicIdModel):
    """An évaluation of a teaching assignment in a period.

    Visibility: students see its marks from `published_at`, guardians from `guardians_published_at`
    (both null = not published yet). `publication` records what the teacher chose."""

    class Publication(models.TextChoices):
        NOW = "now", _("Tout de suite")
        AT = "at", _("À une date et une heure")
        DAILY = "daily", _("À l'heure de publication de l'établissement")
        HIDDEN = "hidden", _("Pas encore")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="assessments")
    assignment = models.ForeignKey(TeachingAssignment, on_delete=models.PROTECT, related_name="assessments")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="assessments")
    title = models.CharField(_("titre"), max_length=120)
    held_on = models.DateField(_("date"))
    kind = models.CharField(_("type"), max_length=15, choices=AssessmentKind.choices, default=AssessmentKind.DEVOIR)
    custom_kind = models.ForeignKey(CustomAssessmentKind, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    scale = models.DecimalField(
        _("noté sur"), max_digits=5, decimal_places=2, default=Decimal("20"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
    )
    coefficient = models.DecimalField(
        _("coefficient"), max_digits=5, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0.01"))]
    )
    is_bonus = models.BooleanField(_("bonus (compte seulement s'il fait monter la moyenne)"), default=False)
    description = models.TextField(_("consignes"), blank=True)
    publication = models.CharField(max_length=6, choices=Publication.choices, default=Publication.NOW)
    published_at = models.DateTimeField(null=True, blank=True)
    guardians_published_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)  # students told
    guardians_notified_at = models.DateTimeField(null=True, blank=True)  # guardians told
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["held_on", "created_at"]
        indexes = [models.Index(fields=["assignment", "period"]), models.Index(fields=["published_at", "notified_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(scale__gte=1, scale__lte=100), name="assessment_scale_1_100"),
            models.CheckConstraint(condition=Q(coefficient__gt=0), name="assessment_coefficient_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def role(self) -> str:
        if self.custom_kind_id:
            return self.custom_kind.role  # type: ignore[union-attr]
        return BUILTIN_KIND_ROLES.get(self.kind, Role.OTHER)

    @property
    def kind_label(self) -> str:
        if self.custom_kind_id:
            return self.custom_kind.name  # type: ignore[union-attr]
        return str(self.get_kind_display())


class Mark(models.Model):
    """A student's mark for an assessment: a value (Decimal, 2 decimals, 0..scale) or a status.

    No row, or status NOT_MARKED, means "not yet marked"."""

    class Status(models.TextChoices):
        MARKED = "marked", _("Notée")
        ABSENT = "absent", _("Absent excusé")
        EXEMPT = "exempt", _("Dispensé")
        NOT_HANDED_IN = "not_handed_in", _("Non rendu")
        NOT_MARKED = "not_marked", _("Pas encore notée")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="marks")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="marks")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="marks")
    value = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.MARKED)
    comment = models.CharField(_("commentaire"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "student"], name="mark_unique_per_student"),
            models.CheckConstraint(
                condition=(Q(status="marked", value__isnull=False, value__gte=0) | (~Q(status="marked") & Q(value__isnull=True))),
                name="mark_value_iff_marked",
            ),
        ]
        indexes = [models.Index(fields=["student", "assessment"])]


class Appraisal(PublicIdModel):
    """A written appraisal on a student's report card for a period: per subject (by its teacher),
    by the main teacher, or by the class council (with the mention and, at year end, the decision)."""

    class Kind(models.TextChoices):
        SUBJECT = "subject", _("Matière")
        MAIN_TEACHER = "main_teacher", _("Professeur principal")
        COUNCIL = "council", _("Conseil de classe")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="appraisals")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="appraisals")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appraisals")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField(_("appréciation"), blank=True, max_length=1000)
    mention = models.CharField(_("mention"), max_length=60, blank=True)
    decision = models.CharField(_("décision"), max_length=60, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "student", "subject"], condition=Q(kind="subject"), name="appraisal_unique_subject"
            ),
            models.UniqueConstraint(
                fields=["period", "student", "kind"], condition=~Q(kind="subject"), name="appraisal_unique_general"
            ),
            models.CheckConstraint(
                condition=(Q(kind="subject", subject__isnull=False) | (~Q(kind="subject") & Q(subject__isnull=True))),
                name="appraisal_subject_iff_subject_kind",
            ),
        ]


class ConductMark(models.Model):
    """The conduct mark (/20) of a student for a period, set by staff (Benin). `suggested_*` come from
    the school-life record when that module exists; only a person's validation makes `value`."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="conduct_marks")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="conduct_marks")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conduct_marks")
    value = models.DecimalField(
        max_digits=4, decimal_places=2, validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("20"))]
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "student"], name="conduct_unique_per_period"),
            models.CheckConstraint(condition=Q(value__gte=0, value__lte=20), name="conduct_value_0_20"),
        ]


class ClassCouncil(PublicIdModel):
    """The class council of a class for a period. Closing it locks the period's marks for the class;
    a staff unlock (with a reason, audited) reopens it."""

    class Status(models.TextChoices):
        OPEN = "open", _("En préparation")
        CLOSED = "closed", _("Clos")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="councils")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="councils")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="councils")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    held_on = models.DateField(_("date du conseil"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    unlock_reason = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "school_class"], name="council_unique_per_class_period")]
