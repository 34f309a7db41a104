"""The school-life journey of issue 4, in Chromium at 360 px, with axe-core on every page visited:

1. the maths teacher opens "Mes séances du jour" on his phone and takes the register of 2nde A:
   two absent, one late (10 min), everyone else present by default;
2. the same-day job tells Alice's mother (in-app and by e-mail, the locmem backend); on her phone she
   sees the absence and how it counts, and declares a justification with a photo;
3. the CPE accepts the declaration: the absence becomes justified;
4. Chloé, absent without justification on several days, is on the CPE's watch list with the reason;
5. the teacher tries to book his room at a time his own timetable occupies it: refused, with what
   occupies it named.

The key pages are also checked at the other width (desktop) and screenshots land in
test-results/screenshots/ for people to look at."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from carnet.attendance.models import Absence, AbsenceDeclaration, Lateness, Regularisation, WatchEntry
from carnet.attendance.notifying import notify_same_day
from carnet.attendance.services.alerts import evaluate
from carnet.e2e_tests.test_marks_journey import check_both_widths, sign_in
from carnet.notifications.models import Notification
from carnet.school.models import TeachingAssignment
from carnet.testing.factories import UserFactory, enroll
from carnet.testing.timetable import room, session, slot
from carnet.testing.world import build_world
from carnet.timetable.models import Booking

# A tiny valid PNG (1 × 1 pixel): a "photo" of the note from home.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000" "1f15c4890000000d49444154789c6360f8cfc0f01f0005"
    "00020f0d3a3a0000000049454e44ae426082"
)


@pytest.fixture
def school(transactional_db):
    world = build_world()
    zone = zoneinfo.ZoneInfo(world.lycee.time_zone)
    today = timezone.now().astimezone(zone).date()
    maths_a = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)
    emma = UserFactory.create(first_name="Emma", last_name="Petit", username="emma.petit")
    enroll(emma, world.seconde_a, national_id="123456789EE")
    b12 = room(world.lycee, "B12")
    # The maths lesson of 2nde A in B12, every week on the weekday of "in a week": the booking clash.
    next_week = today + dt.timedelta(days=7)
    slot(maths_a, weekday=next_week.weekday(), start="10:00", end="11:00", room=b12)
    # Today's lesson: early in the day, so that it has started whatever time the suite runs.
    lesson = session(maths_a, today, start="00:00", end="00:50", room=b12)
    # Chloé (2nde B) missed three whole days without a word this month: 6 unjustified half-days.
    for days_ago in (3, 4, 5):
        day = today - dt.timedelta(days=days_ago)
        Absence.objects.create(
            establishment=world.lycee, school_year=world.year, student=world.chloe,
            starts_at=dt.datetime.combine(day, dt.time(8), zone), ends_at=dt.datetime.combine(day, dt.time(17), zone),
            half_days=2, source=Absence.Source.STAFF, state=Regularisation.UNJUSTIFIED,
        )
    return world, lesson, emma, next_week


@pytest.mark.e2e
def test_school_life_journey(school, live_server, browser, a11y):
    world, lesson, emma, next_week = school
    base = live_server.url
    overflows: dict[str, list] = {}
    phone_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", has_touch=True)
    phone = phone_context.new_page()
    phone.set_default_timeout(10_000)

    # 1. The teacher takes the register on his phone.
    sign_in(phone, base, world.teacher_maths.username, world.password)
    phone.goto(base + "/appel/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("séances")
    check_both_widths(phone, a11y, "school-life-my-sessions", overflows)
    phone.get_by_role("link", name="2nde A").first.click()
    expect(phone.locator("#roll")).to_be_visible()
    check_both_widths(phone, a11y, "school-life-register-empty", overflows)
    phone.locator(".roll-row", has_text="Alice").locator("button").first.click()  # absent
    phone.locator(".roll-row", has_text="Emma").locator("button").first.click()  # absent
    bruno = phone.locator(".roll-row", has_text="Bruno")
    bruno.locator("button").first.click()
    bruno.locator("button").first.click()  # late
    bruno.get_by_role("button", name="10 min").click()
    expect(phone.locator("[data-count='absent']")).to_have_text("2")
    expect(phone.locator("[data-count='late']")).to_have_text("1")
    a11y(phone, "school-life-register-filled")
    phone.get_by_role("button", name="Valider l'appel").click()
    expect(phone.locator("body")).to_contain_text("Appel")
    absences = Absence.objects.filter(sessions=lesson)
    assert {a.student_id for a in absences} == {world.alice.pk, emma.pk}
    assert Lateness.objects.get(session=lesson).student_id == world.bruno.pk
    phone_context.close()

    # 2. The same-day job tells Alice's mother; she declares a justification with a photo.
    mail.outbox.clear()
    assert notify_same_day(now=timezone.now() + dt.timedelta(minutes=6)) >= 2
    assert Notification.objects.filter(recipient=world.alice_mother, kind="attendance.absence").exists()
    mother_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", has_touch=True)
    mother = mother_context.new_page()
    mother.set_default_timeout(10_000)
    sign_in(mother, base, world.alice_mother.username, world.password)
    mother.goto(base + "/absences/")
    expect(mother.locator("main")).to_contain_text("demi-journée")
    check_both_widths(mother, a11y, "school-life-guardian-absences", overflows)
    mother.get_by_role("link", name="Déclarer une absence").first.click()
    expect(mother.get_by_role("heading", level=1)).to_contain_text("Déclarer une absence")
    today = lesson.held_on.isoformat()
    mother.get_by_label("Du", exact=True).fill(today)
    mother.get_by_label("à partir de", exact=True).fill("00:00")
    mother.get_by_label("Au", exact=True).fill(today)
    mother.get_by_label("jusqu'à", exact=True).fill("12:00")
    mother.get_by_label("Motif", exact=True).select_option(label="Maladie")
    mother.get_by_label("Message à la vie scolaire", exact=True).fill("Alice avait de la fièvre, voici le mot du médecin.")
    mother.get_by_label("Justificatif (facultatif)", exact=True).set_input_files(
        files=[{"name": "mot-medecin.png", "mimeType": "image/png", "buffer": PNG}]
    )
    a11y(mother, "school-life-declare")
    mother.get_by_role("button", name="Envoyer la déclaration").click()
    expect(mother.locator("body")).to_contain_text("déclaration")
    declaration = AbsenceDeclaration.objects.get(student=world.alice)
    assert declaration.document_type == "image/png"
    mother_context.close()

    # 3. The CPE accepts it: the absence is justified.
    cpe_context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="fr-FR")
    cpe = cpe_context.new_page()
    cpe.set_default_timeout(10_000)
    sign_in(cpe, base, world.cpe.username, world.password)
    cpe.goto(base + "/vie-scolaire/declarations/")
    check_both_widths(cpe, a11y, "school-life-declarations", overflows)
    cpe.get_by_role("link", name="Alice").first.click()
    expect(cpe.get_by_role("heading", level=1)).to_contain_text("Alice")
    a11y(cpe, "school-life-declaration")
    cpe.get_by_role("button", name="Accepter").click()
    expect(cpe.locator("body")).to_contain_text("accept")
    declaration.refresh_from_db()
    assert declaration.status == AbsenceDeclaration.Status.ACCEPTED
    assert Absence.objects.get(sessions=lesson, student=world.alice).state == Regularisation.JUSTIFIED

    # 4. Chloé is on the watch list, with the reason in words.
    evaluate(world.lycee)
    assert WatchEntry.objects.filter(student=world.chloe, cleared_at__isnull=True).exists()
    cpe.goto(base + "/vie-scolaire/eleves-a-suivre/")
    row = cpe.locator("main").get_by_text("Chloé", exact=False).first
    expect(row).to_be_visible()
    expect(cpe.locator("main")).to_contain_text("non justifiée")
    check_both_widths(cpe, a11y, "school-life-watch-list", overflows)
    cpe_context.close()

    # 5. The teacher's booking of B12 at the time of his own lesson is refused, naming it.
    teacher_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", has_touch=True)
    teacher = teacher_context.new_page()
    teacher.set_default_timeout(10_000)
    sign_in(teacher, base, world.teacher_maths.username, world.password)
    teacher.goto(base + "/reservations/")
    teacher.get_by_role("link", name="B12").first.click()
    expect(teacher.get_by_role("heading", level=1)).to_contain_text("B12")
    teacher.get_by_label("Jour", exact=True).fill(next_week.isoformat())
    teacher.get_by_label("Début", exact=True).fill("10:30")
    teacher.get_by_label("Fin", exact=True).fill("11:30")
    teacher.get_by_label("Motif", exact=True).fill("Réunion parents-professeurs")
    teacher.get_by_role("button", name="Réserver").click()
    errors = teacher.locator("#booking-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("Mathématiques")
    check_both_widths(teacher, a11y, "school-life-booking-refused", overflows)
    assert not Booking.objects.exists()
    teacher_context.close()

    assert not overflows, f"pages wider than 360 px: {overflows}"
