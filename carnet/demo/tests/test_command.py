"""`carnet seed-demo` and `make demo`'s `carnet seed-demo --once`."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from carnet.audit.models import AuditEvent
from carnet.demo.data import FRANCE
from carnet.demo.models import DemoAccount
from carnet.school import models as school

User = get_user_model()

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    output = io.StringIO()
    call_command("seed-demo", *args, stdout=output)
    return output.getvalue()


def test_seeds_and_prints_one_login_per_role_and_the_address():
    text = run("--students", "30")
    assert school.Establishment.objects.count() == 2
    assert school.Enrollment.objects.count() == 60
    assert "http://127.0.0.1:8000" in text
    for account in DemoAccount.objects.select_related("user"):
        assert account.user.username in text
        assert f"demo-{account.key}" in text
    for role in ("Direction", "Adjoint ou censeur", "Vie scolaire", "Secrétariat", "Professeur principal", "Élève",
                 "Parent de deux enfants", "Professeur et parent", "Parent dans les deux établissements"):
        assert role in text


def test_once_seeds_an_empty_database_then_only_prints():
    first = run("--once", "--students", "30")
    users = User.objects.count()
    second = run("--once", "--students", "30")
    third = run("--once", "--students", "50")  # the size of an existing demo is not changed
    assert User.objects.count() == users
    assert school.Establishment.objects.count() == 2
    assert school.Enrollment.objects.count() == 60
    table = first[first.index("Lycée Jean-Jaurès\n"):]
    assert second.endswith(table) and third.endswith(table)
    assert "existe déjà" in second


def test_without_once_an_existing_demo_is_refused():
    run("--students", "30")
    users = User.objects.count()
    with pytest.raises(CommandError, match="--reset"):
        run("--students", "30")
    assert User.objects.count() == users


def test_reset_rebuilds_the_same_demo():
    run("--students", "30")
    before = sorted(User.objects.values_list("username", flat=True))
    text = run("--reset", "--students", "30")
    assert "Ancienne démo supprimée" in text
    assert sorted(User.objects.values_list("username", flat=True)) == before
    assert school.Establishment.objects.count() == 2


def test_reset_explains_why_a_used_demo_cannot_be_removed():
    run("--students", "20")
    AuditEvent.objects.create(
        establishment=school.Establishment.objects.get(code=FRANCE.code), action="account.reset", object_type="user"
    )
    with pytest.raises(CommandError, match="audit"):
        run("--reset", "--students", "20")
    assert school.Enrollment.objects.count() == 40


def test_reset_can_change_the_size():
    run("--students", "30")
    run("--reset", "--students", "40")
    assert school.Enrollment.objects.count() == 80


@pytest.mark.parametrize("args", [("--once", "--reset"), ("--students", "3")])
def test_contradictory_or_too_small_options_are_refused(args):
    with pytest.raises(CommandError):
        run(*args)
    assert not school.Establishment.objects.exists()


def test_the_underscore_spelling_works_too():
    output = io.StringIO()
    call_command("seed_demo", "--students", "20", stdout=output)
    assert school.Enrollment.objects.count() == 40
