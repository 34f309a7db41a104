"""The establishment and its people. Every school-owned row carries its `establishment`."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carnet.core.models import PublicIdModel, TimeStampedModel
from carnet.identity.names import fold


class Country(models.TextChoices):
    FRANCE = "FR", _("France")
    BENIN = "BJ", _("Bénin")


class Establishment(PublicIdModel, TimeStampedModel):
    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("UAI en France, code de l'établissement au Bénin"))
    name = models.CharField(_("nom"), max_length=200)
    country = models.CharField(_("pays"), max_length=2, choices=Country.choices)
    time_zone = models.CharField(_("fuseau horaire"), max_length=64, default="Europe/Paris")
    language = models.CharField(_("langue"), max_length=8, default="fr", choices=settings.LANGUAGES)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    require_staff_totp = models.BooleanField(_("double authentification obligatoire pour le personnel"), default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def national_id_label(self) -> str:
        return str(_("Matricule EducMaster")) if self.country == Country.BENIN else str(_("INE"))


class SchoolYear(PublicIdModel):
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="years")
    name = models.CharField(_("nom"), max_length=20)  # "2026-2027"
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    is_current = models.BooleanField(_("année en cours"), default=False)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "name"], name="school_year_unique_name"),
            models.UniqueConstraint(
                fields=["establishment"], condition=Q(is_current=True), name="school_year_one_current"
            ),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="school_year_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name


class Period(PublicIdModel):
    """An evaluation period (semester or trimester); separate from the holiday calendar."""

    class Kind(models.TextChoices):
        SEMESTER = "semester", _("Semestre")
        TRIMESTER = "trimester", _("Trimestre")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="periods")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField()
    name = models.CharField(_("nom"), max_length=40)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))

    class Meta:
        ordering = ["school_year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["school_year", "number"], name="period_unique_number"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="period_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name


class CalendarEvent(PublicIdModel):
    """Holidays, closed days and exceptional days: the calendar, not the evaluation periods."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Vacances")
        CLOSED = "closed", _("Jour fermé")
        EXCEPTIONAL = "exceptional", _("Journée exceptionnelle")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="calendar_events")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="calendar_events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(_("nom"), max_length=120)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="calendar_event_ends_after_start"),
        ]


class Level(PublicIdModel):
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="levels")
    name = models.CharField(_("nom"), max_length=40)  # "Seconde", "6e", "Tle"
    rank = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rank", "name"]
        constraints = [models.UniqueConstraint(fields=["establishment", "name"], name="level_unique_name")]

    def __str__(self) -> str:
        return self.name


class Series(PublicIdModel):
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="series")
    name = models.CharField(_("nom"), max_length=40)  # "A1", "C", "D", "Générale"

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"
        constraints = [models.UniqueConstraint(fields=["establishment", "name"], name="series_unique_name")]

    def __str__(self) -> str:
        return self.name


class NormalizedNameModel(PublicIdModel):
    """A row matched by name in imports: 'Tle  c' and 'TLE C' are the same class."""

    name = models.CharField(_("nom"), max_length=80)
    normalized_name = models.CharField(max_length=80, editable=False)

    class Meta:
        abstract = True

    @staticmethod
    def normalize(name: str) -> str:
        return fold(name).replace(" ", "")

    def save(self, *args, **kwargs):
        self.normalized_name = self.normalize(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = set(update_fields) | {"normalized_name"}
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name


class SchoolClass(NormalizedNameModel):
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="classes")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="classes")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, blank=True, related_name="classes")
    series = models.ForeignKey(Series, on_delete=models.PROTECT, null=True, blank=True, related_name="classes")

    class Meta:
        ordering = ["level__rank", "name"]
        verbose_name = _("classe")
        constraints = [
            models.UniqueConstraint(fields=["school_year", "normalized_name"], name="class_unique_name_in_year")
        ]


class TeachingGroup(NormalizedNameModel):
    """Part of a class (half-class for labs) or across classes (an option)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="groups")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="groups")
    classes = models.ManyToManyField(SchoolClass, related_name="groups", blank=True)
    students = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teaching_groups", blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school_year", "normalized_name"], name="group_unique_name_in_year")
        ]


class Subject(NormalizedNameModel):
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="subjects")
    short_name = models.CharField(_("abréviation"), max_length=12, blank=True)
    color = models.CharField(max_length=7, default="#2f6f9f")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "normalized_name"], name="subject_unique_name")
        ]


class TeachingAssignment(PublicIdModel):
    """A teacher teaches a subject to a class or a group for a year (service d'enseignement)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="assignments")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="assignments")
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments")
    group = models.ForeignKey(TeachingGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="assignments")
    coefficient = models.DecimalField(
        _("coefficient"), max_digits=5, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0"))]
    )
    weekly_hours = models.DecimalField(
        _("heures hebdomadaires"), max_digits=5, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    is_main_teacher = models.BooleanField(_("professeur principal"), default=False)

    class Meta:
        ordering = ["subject__name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(school_class__isnull=False, group__isnull=True) | Q(school_class__isnull=True, group__isnull=False)),
                name="assignment_class_xor_group",
            ),
            models.UniqueConstraint(
                fields=["teacher", "school_class", "subject"], condition=Q(school_class__isnull=False), name="assignment_unique_class"
            ),
            models.UniqueConstraint(
                fields=["teacher", "group", "subject"], condition=Q(group__isnull=False), name="assignment_unique_group"
            ),
            models.CheckConstraint(condition=Q(coefficient__gte=0), name="assignment_coefficient_not_negative"),
        ]

    @property
    def audience(self):
        return self.school_class or self.group


class Enrollment(PublicIdModel):
    """A student in a class, from a date to a date; carries the national student id (INE or
    EducMaster matricule)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="enrollments")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="enrollments")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="enrollments")
    starts_on = models.DateField(_("depuis le"))
    ends_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    is_repeating = models.BooleanField(_("redoublant"), default=False)
    national_id = models.CharField(_("matricule"), max_length=30, blank=True)

    class Meta:
        ordering = ["school_class__name", "student__last_name", "student__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "student"], condition=Q(ends_on__isnull=True), name="enrollment_one_open_per_year"
            ),
            # Among open enrollments only: a student who changes class keeps the same national id
            # on the closed enrollment and on the new one.
            models.UniqueConstraint(
                fields=["establishment", "school_year", "national_id"],
                condition=~Q(national_id="") & Q(ends_on__isnull=True),
                name="enrollment_unique_national_id",
            ),
        ]
        indexes = [models.Index(fields=["establishment", "national_id"])]

    def is_active(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


class Guardianship(PublicIdModel):
    """A guardian of a student, recorded in the student's establishment."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", _("Mère")
        FATHER = "father", _("Père")
        GUARDIAN = "guardian", _("Tuteur ou tutrice")
        OTHER = "other", _("Autre")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="guardianships")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardianships_as_student")
    guardian = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardianships_as_guardian")
    relationship = models.CharField(_("lien"), max_length=10, choices=Relationship.choices, default=Relationship.OTHER)
    has_legal_responsibility = models.BooleanField(_("responsable légal"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["student__last_name", "student__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "student", "guardian"], name="guardianship_unique"),
            models.CheckConstraint(condition=~Q(student=models.F("guardian")), name="guardianship_not_self"),
        ]


class StaffFunction(PublicIdModel):
    """What a person does in an establishment; a guest is a function with an end date."""

    class Kind(models.TextChoices):
        HEAD = "head", _("Direction (chef d'établissement)")
        DEPUTY = "deputy", _("Adjoint ou censeur")
        SCHOOL_LIFE = "school_life", _("Vie scolaire (CPE, surveillant)")
        SECRETARY = "secretary", _("Secrétariat")
        IT_ADMIN = "it_admin", _("Administrateur informatique")
        TEACHER = "teacher", _("Enseignant")
        GUEST = "guest", _("Invité")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="staff_functions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_functions")
    kind = models.CharField(_("fonction"), max_length=12, choices=Kind.choices)
    starts_on = models.DateField(_("depuis le"), default=timezone.localdate)
    ends_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    note = models.CharField(_("précision"), max_length=120, blank=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "user", "kind"], name="staff_function_unique"),
            models.CheckConstraint(
                condition=~Q(kind="guest") | Q(ends_on__isnull=False), name="guest_has_end_date"
            ),
        ]

    #: Functions that see and administer the whole establishment.
    ADMINISTRATIVE = frozenset({Kind.HEAD, Kind.DEPUTY, Kind.SCHOOL_LIFE, Kind.SECRETARY, Kind.IT_ADMIN})


class ImportRun(PublicIdModel):
    """One import applied (or tried as a dry run): who, what file, what it changed."""

    class Kind(models.TextChoices):
        STUDENTS = "students", _("Élèves et responsables")
        STAFF = "staff", _("Personnels")
        ASSIGNMENTS = "assignments", _("Services d'enseignement")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="import_runs")
    kind = models.CharField(max_length=20)
    file_name = models.CharField(max_length=200)
    file_digest = models.CharField(max_length=64)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    dry_run = models.BooleanField(default=False)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]
