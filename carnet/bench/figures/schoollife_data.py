"""The school-life figures' establishment, built in process in a scratch database: a lycée of N
students in classes of 35 (12 subjects, 26 hours a week), the demo's timetable placement (rooms,
slots without clashes), every session of a school year generated from it, a few hundred room
bookings, and a year of absences and lateness (about 8 absence episodes and 5 late arrivals per
student, a third of them justified, a fifth unjustified, the rest to justify).

The year runs from 60 days before today to 300 days after, so "today" is always inside it."""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

CLASS_SIZE = 35
#: (subject, weekly hours)
SUBJECTS = (
    ("Français", 4), ("Mathématiques", 4), ("Histoire-géographie", 3), ("Anglais", 3), ("Espagnol", 2),
    ("Physique-chimie", 3), ("SVT", 2), ("SES", 1), ("EPS", 2), ("SNT", 1), ("EMC", 0.5), ("Philosophie", 0.5),
)
TEACHER_HOURS = 18


def build(students: int, *, seed: int = 20261128) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from carnet.attendance.models import Absence, Lateness, Regularisation
    from carnet.demo.timetable import seed_timetable
    from carnet.school.models import (
        Enrollment,
        Establishment,
        Level,
        SchoolClass,
        SchoolYear,
        Subject,
        TeachingAssignment,
    )
    from carnet.timetable.models import Booking, Resource, Session

    User = get_user_model()
    rng = random.Random(seed)
    today = timezone.localdate()
    starts_on = today - dt.timedelta(days=60)
    with transaction.atomic():
        establishment = Establishment.objects.create(
            code="0759996F", name="Lycée du Banc d'essai (vie scolaire)", country="FR", time_zone="Europe/Paris"
        )
        year = SchoolYear.objects.create(
            establishment=establishment, name=f"{starts_on.year}-{starts_on.year + 1}", starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=360), is_current=True,
        )
        level = Level.objects.create(establishment=establishment, name="Seconde", rank=10)
        subjects = [Subject.objects.create(establishment=establishment, name=name, short_name=name[:5].upper())
                    for name, _hours in SUBJECTS]
        class_count = math.ceil(students / CLASS_SIZE)
        classes = [SchoolClass.objects.create(establishment=establishment, school_year=year, name=f"2nde {n + 1}", level=level)
                   for n in range(class_count)]
        hours_needed = {s.pk: h * class_count for s, (_n, h) in zip(subjects, SUBJECTS, strict=True)}
        teachers_by_subject = {}
        for subject in subjects:
            count = max(1, math.ceil(hours_needed[subject.pk] / TEACHER_HOURS))
            teachers_by_subject[subject.pk] = User.objects.bulk_create(
                User(username=f"banc.vs.{subject.short_name.lower()}.{n}", first_name="Prof", last_name=f"{subject.name} {n}",
                     password="!") for n in range(count)
            )
        assignments = []
        for c, klass in enumerate(classes):
            for subject, (_name, hours) in zip(subjects, SUBJECTS, strict=True):
                pool = teachers_by_subject[subject.pk]
                assignments.append(TeachingAssignment(
                    establishment=establishment, school_year=year, teacher=pool[c % len(pool)], school_class=klass,
                    subject=subject, coefficient=Decimal("1"), weekly_hours=Decimal(str(hours)),
                ))
        TeachingAssignment.objects.bulk_create(assignments)
        people = User.objects.bulk_create(
            User(username=f"banc.vs.eleve{n}", first_name=f"Prénom{n}", last_name=f"Nom{n:05d}", password="!")
            for n in range(students)
        )
        Enrollment.objects.bulk_create(
            Enrollment(establishment=establishment, school_year=year, student=person, school_class=classes[n // CLASS_SIZE],
                       starts_on=year.starts_on)
            for n, person in enumerate(people)
        )
        placed = seed_timetable(establishment, year)
        rooms = list(Resource.objects.filter(establishment=establishment, kind=Resource.Kind.ROOM, bookable=True))
        staff = teachers_by_subject[subjects[0].pk][0]
        bookings = []
        for n in range(400):
            day = starts_on + dt.timedelta(days=rng.randrange(0, 360))
            hour = rng.choice((12, 17, 18))
            bookings.append(Booking(
                establishment=establishment, resource=rng.choice(rooms), booked_by=staff, booked_on=day,
                start_time=dt.time(hour, 0), end_time=dt.time(hour, 50), purpose=f"Réunion {n}",
            ))
        Booking.objects.bulk_create(bookings)

        zone = ZoneInfo(establishment.time_zone)
        sessions_by_class: dict[int, list[tuple[dt.date, dt.time, dt.time]]] = {}
        for class_id, held_on, start, end in Session.objects.filter(establishment=establishment).values_list(
            "assignment__school_class_id", "held_on", "start_time", "end_time"
        ):
            sessions_by_class.setdefault(class_id, []).append((held_on, start, end))
        states = [Regularisation.JUSTIFIED] * 5 + [Regularisation.UNJUSTIFIED] * 3 + [Regularisation.TO_JUSTIFY] * 7
        absences, latenesses = [], []
        for n, person in enumerate(people):
            lessons = sessions_by_class.get(classes[n // CLASS_SIZE].pk) or []
            if not lessons:
                continue
            for _episode in range(rng.randint(4, 12)):
                held_on, start, end = rng.choice(lessons)
                length = rng.choice((1, 1, 2, 3, 4))
                begin = dt.datetime.combine(held_on, start, zone)
                finish = dt.datetime.combine(held_on, end, zone) + dt.timedelta(hours=length - 1)
                absences.append(Absence(
                    establishment=establishment, school_year=year, student=person, starts_at=begin, ends_at=finish,
                    half_days=1 if length < 4 else 2, source=Absence.Source.REGISTER, state=rng.choice(states),
                ))
            for _late in range(rng.randint(2, 8)):
                held_on, start, _end = rng.choice(lessons)
                latenesses.append(Lateness(
                    establishment=establishment, school_year=year, student=person,
                    occurred_at=dt.datetime.combine(held_on, start, zone), minutes=rng.choice((5, 5, 10, 15, 20)),
                    state=rng.choice(states),
                ))
        Absence.objects.bulk_create(absences, batch_size=5000)
        Lateness.objects.bulk_create(latenesses, batch_size=5000)
    return {
        "establishment_id": establishment.id,
        "year_id": year.id,
        "students": students,
        "classes": class_count,
        "slots": placed.slots,
        "sessions": Session.objects.filter(establishment=establishment).count(),
        "bookings": len(bookings),
        "absences": len(absences),
        "latenesses": len(latenesses),
    }
