"""Background entry points. Recovery looks accounts up and sends in a task, so the page that asked
answers at once and in the same time whether or not an account matched."""

from __future__ import annotations

from django_tasks import task

from carnet.identity import recovery


@task()
def send_recovery_email(address: str) -> int:
    return recovery.send_reset_email(address)


@task()
def send_recovery_sms(number: str) -> int:
    return recovery.send_reset_sms(number)
