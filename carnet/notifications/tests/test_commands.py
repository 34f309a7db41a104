"""`carnet send-digests` and `carnet worker` (the django-tasks-db worker loop plus the digest run)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from carnet.core import sms
from carnet.notifications import services
from carnet.notifications.models import Delivery
from carnet.notifications.tests.conftest import ABSENCE, GRADE, PARIS, at

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notifications"]}
}


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_send_digests_sends_what_is_due(world, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(at(PARIS, 2027, 1, 12, 21, 0), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.chloe_father], kind=GRADE, title="Note")
    assert run("send-digests") == "No digest due.\n"
    time_machine.move_to(at(PARIS, 2027, 1, 13, 7, 5), tick=False)
    assert run("send-digests") == "Deliveries handled — sent: 3.\n"
    assert len(sms.outbox) == 1


def test_the_worker_needs_the_database_backend(db):
    with pytest.raises(CommandError, match="database tasks backend"):
        run("worker", "--batch")


def test_the_worker_runs_queued_deliveries_and_the_digest_run(world, time_machine, django_capture_on_commit_callbacks, monkeypatch):
    # The worker recycles connections between tasks; inside the test's transaction that would close it.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    time_machine.move_to(at(PARIS, 2027, 1, 13, 10, 0), tick=False)
    with override_settings(TASKS=DATABASE_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            services.notify(recipients=[world.chloe_father], kind=ABSENCE, title="Absence")
        assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 3
        assert DBTaskResult.objects.filter(task_path="carnet.notifications.tasks.deliver", status="READY").count() == 1

        output = run("worker", "--batch", "--no-startup-delay")

        assert "Digest run enqueued." in output
        assert set(DBTaskResult.objects.values_list("task_path", "status")) == {
            ("carnet.notifications.tasks.deliver", "SUCCESSFUL"),
            ("carnet.notifications.tasks.send_digests", "SUCCESSFUL"),
        }
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
    assert [m["text"] for m in sms.outbox] == ["Carnet : Absence"]


def test_the_digest_run_is_not_enqueued_twice(world):
    from carnet.notifications.management.commands.worker import enqueue_digests

    with override_settings(TASKS=DATABASE_TASKS):
        assert enqueue_digests() is True
        assert enqueue_digests() is False
        assert DBTaskResult.objects.count() == 1


def test_old_successful_results_are_pruned(world, time_machine):
    from carnet.notifications.management.commands.worker import enqueue_digests

    time_machine.move_to(at(PARIS, 2027, 1, 12, 10, 0), tick=False)
    with override_settings(TASKS=DATABASE_TASKS):
        enqueue_digests()
        DBTaskResult.objects.update(status="SUCCESSFUL", finished_at=at(PARIS, 2027, 1, 12, 10, 0))
        time_machine.move_to(at(PARIS, 2027, 1, 13, 11, 0), tick=False)
        assert enqueue_digests() is True
        assert DBTaskResult.objects.get().status == "READY"
