"""factory_boy factories for the foundation models."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from carnet.school import models as school

PASSWORD = "cheval-agrafe-batterie"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    username = factory.LazyAttribute(lambda o: f"{o.first_name}.{o.last_name}".lower())
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = school.Establishment

    code = factory.Sequence(lambda n: f"ETAB{n:04d}")
    name = factory.Sequence(lambda n: f"Établissement {n}")
    country = school.Country.FRANCE
    time_zone = "Europe/Paris"


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = school.SchoolYear

    establishment = factory.SubFactory(EstablishmentFactory)
    name = "2026-2027"
    starts_on = dt.date(2026, 9, 1)
    ends_on = dt.date(2027, 7, 4)
    is_current = True


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = school.Subject

    establishment = factory.SubFactory(EstablishmentFactory)
    name = factory.Sequence(lambda n: f"Matière {n}")


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = school.SchoolClass

    school_year = factory.SubFactory(SchoolYearFactory)
    establishment = factory.LazyAttribute(lambda o: o.school_year.establishment)
    name = factory.Sequence(lambda n: f"Classe {n}")


def enroll(student, school_class, *, national_id: str = "", repeating: bool = False) -> school.Enrollment:
    return school.Enrollment.objects.create(
        establishment=school_class.establishment,
        school_year=school_class.school_year,
        student=student,
        school_class=school_class,
        starts_on=school_class.school_year.starts_on,
        national_id=national_id,
        is_repeating=repeating,
    )


def assign(teacher, school_class, subject, *, main: bool = False, coefficient: str = "1", hours: str = "3"):
    school.StaffFunction.objects.get_or_create(
        establishment=school_class.establishment, user=teacher, kind=school.StaffFunction.Kind.TEACHER,
        defaults={"starts_on": school_class.school_year.starts_on},
    )
    return school.TeachingAssignment.objects.create(
        establishment=school_class.establishment,
        school_year=school_class.school_year,
        teacher=teacher,
        school_class=school_class,
        subject=subject,
        coefficient=Decimal(coefficient),
        weekly_hours=Decimal(hours),
        is_main_teacher=main,
    )


def give_function(user, establishment, kind: str, **extra) -> school.StaffFunction:
    extra.setdefault("starts_on", dt.date(2020, 1, 1))
    return school.StaffFunction.objects.create(establishment=establishment, user=user, kind=kind, **extra)


def guard(guardian, student, establishment, relationship: str = "mother") -> school.Guardianship:
    return school.Guardianship.objects.create(
        establishment=establishment, student=student, guardian=guardian, relationship=relationship
    )
