"""Publishing: versions, immutability, digest and code, audit, notifications, permissions, batches
and the constant query count of a class."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carnet.audit.models import AuditEvent
from carnet.core.errors import PermissionDenied, ValidationFailed
from carnet.notifications.models import Notification
from carnet.reportcards import codes, services
from carnet.reportcards.models import ReportCard, ReportCardBatch
from carnet.testing.factories import UserFactory, enroll
from carnet.testing.grades import assessment, mark

pytestmark = pytest.mark.django_db


def publish_class(actor, period, school_class, capture):
    with capture(execute=True):
        return services.publish_for_class(actor=actor, period=period, school_class=school_class)


def test_publish_for_class_writes_one_version_per_student(world, france, django_capture_on_commit_callbacks):
    cards = publish_class(world.teacher_maths, france["period"], world.seconde_a, django_capture_on_commit_callbacks)
    assert sorted(c.student_id for c in cards) == sorted([world.alice.pk, world.bruno.pk])
    alice = ReportCard.objects.get(student=world.alice)
    assert alice.version == 1
    assert alice.digest == codes.digest(alice.content)
    assert codes.normalize(alice.verification_code) == alice.verification_code
    assert alice.content["general"]["average"] == "13.90"
    assert alice.pdf.open("rb").read(4) == b"%PDF"
    assert alice.published_by == world.teacher_maths
    assert len({c.verification_code for c in cards}) == 2
    events = AuditEvent.objects.filter(action="reportcards.published")
    assert events.count() == 1  # one for the class, not one per student
    assert events.get().changes["count"] == [None, 2]
    notified = set(Notification.objects.filter(kind="reportcards.published").values_list("recipient_id", flat=True))
    assert notified == {world.alice.pk, world.bruno.pk, world.alice_mother.pk, world.teacher_french.pk}


def test_a_reissue_is_version_two_and_version_one_stays(world, france, django_capture_on_commit_callbacks):
    first = publish_class(world.head, france["period"], world.seconde_a, django_capture_on_commit_callbacks)
    second = publish_class(world.head, france["period"], world.seconde_a, django_capture_on_commit_callbacks)
    v1 = next(c for c in first if c.student_id == world.alice.pk)
    v2 = next(c for c in second if c.student_id == world.alice.pk)
    assert (v1.version, v2.version) == (1, 2)
    assert v1.verification_code != v2.verification_code
    v1.refresh_from_db()
    assert v1.pdf.open("rb").read(4) == b"%PDF"
    assert ReportCard.objects.filter(student=world.alice).count() == 2


def test_publish_for_one_student(world, france, django_capture_on_commit_callbacks):
    publish_class(world.head, france["period"], world.seconde_a, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        card = services.publish_for_student(actor=world.teacher_maths, period=france["period"], student=world.bruno)
    assert card.version == 2
    assert ReportCard.objects.filter(student=world.alice).count() == 1
    event = AuditEvent.objects.filter(action="reportcards.published").latest("id")
    assert event.object_id == str(card.public_id)


def test_published_cards_are_immutable(world, france, django_capture_on_commit_callbacks):
    card = publish_class(world.head, france["period"], world.seconde_a, django_capture_on_commit_callbacks)[0]
    card = ReportCard.objects.get(pk=card.pk)
    card.content = {"forged": True}
    with pytest.raises(TypeError):
        card.save()
    with pytest.raises(TypeError):
        card.delete()
    with pytest.raises(TypeError):
        ReportCard.objects.filter(pk=card.pk).update(digest="0" * 64)
    with pytest.raises(TypeError):
        ReportCard.objects.filter(pk=card.pk).delete()
    assert ReportCard.objects.get(pk=card.pk).content != {"forged": True}


@pytest.mark.parametrize("person", ["teacher_french", "cpe", "outsider", "alice", "alice_mother"])
def test_who_may_not_publish(world, france, person):
    with pytest.raises(PermissionDenied):
        services.publish_for_class(actor=getattr(world, person), period=france["period"], school_class=world.seconde_a)
    assert not ReportCard.objects.exists()
    assert not AuditEvent.objects.filter(action="reportcards.published").exists()


def test_a_period_of_another_establishment_is_refused(world, benin):
    with pytest.raises(ValidationFailed):
        services.publish_for_class(actor=world.head, period=benin["s1"], school_class=world.seconde_a)


def test_publish_for_class_query_count_does_not_grow_with_the_class(world, france, django_capture_on_commit_callbacks):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            services.publish_for_class(actor=world.head, period=france["period"], school_class=world.seconde_a)
        return len(queries)

    count()  # warm the caches of the first publication (profile, kinds)
    small = count()
    ds = france["period"].assessments.get(title="DS 1")
    for n in range(6):
        student = UserFactory(first_name=f"Élève{n}", last_name=f"Nouveau{n}", username=f"nouveau{n}")
        enroll(student, world.seconde_a, national_id=f"NEW{n:08d}")
        mark(ds, student, str(10 + n))
    large = count()
    assert large == small, (small, large)
    assert small < 60


def test_batch_of_a_class_runs_and_reports_progress(world, france, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.start_batch(actor=world.teacher_maths, period=france["period"], scope="class", school_class=world.seconde_a)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total, batch.error) == ("done", 2, 2, "")
    assert batch.finished_at is not None
    assert ReportCard.objects.filter(school_class=world.seconde_a).count() == 2
    assert AuditEvent.objects.filter(action="reportcards.batch_started").count() == 1


def test_batch_of_the_whole_establishment(world, france, django_capture_on_commit_callbacks):
    assessment_b = assessment(
        world.seconde_b.assignments.get(subject=world.maths), france["period"], title="DS B"
    )
    mark(assessment_b, world.chloe, "11")
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.start_batch(actor=world.head, period=france["period"], scope="establishment")
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == ("done", 3, 3)
    assert AuditEvent.objects.filter(action="reportcards.published").count() == 2  # one per class


def test_batch_of_one_student(world, france, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.start_batch(actor=world.head, period=france["period"], scope="student", student=world.alice)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == ("done", 1, 1)
    assert ReportCard.objects.get().student == world.alice


def test_only_heads_run_the_whole_establishment(world, france):
    with pytest.raises(PermissionDenied):
        services.start_batch(actor=world.teacher_maths, period=france["period"], scope="establishment")
    with pytest.raises(PermissionDenied):
        services.start_batch(actor=world.teacher_french, period=france["period"], scope="class", school_class=world.seconde_a)
    assert not ReportCardBatch.objects.exists()


def test_a_batch_whose_author_lost_the_right_fails_with_a_reason(world, france, django_capture_on_commit_callbacks):
    from carnet.school.models import TeachingAssignment

    batch = services.start_batch(actor=world.teacher_maths, period=france["period"], scope="class", school_class=world.seconde_a)
    TeachingAssignment.objects.filter(teacher=world.teacher_maths).update(is_main_teacher=False)
    world.teacher_maths.__dict__.pop("_carnet_roles", None)
    services.run_batch(batch_id=str(batch.public_id))
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert batch.error
    assert not ReportCard.objects.exists()
