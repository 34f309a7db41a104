"""Kinds declared by modules: defaults, allowed channels and modes, digest summaries."""

import pytest
from django.utils.translation import override

from carnet.notifications import kinds
from carnet.notifications.tests.conftest import ABSENCE, ALERT, GRADE


def test_foundation_kinds_are_declared_at_start():
    codes = {k.code for k in kinds.all_kinds()}
    assert {"account.security", "import.finished", "system.announcement"} <= codes
    security = kinds.get("account.security")
    assert security.urgent and security.sms_allowed
    assert security.default_mode("email") == "immediate"
    assert security.default_mode("sms") == "never"


def test_defaults_are_calm_unless_the_kind_says_otherwise():
    alert = kinds.get(ALERT)
    assert alert.default_mode("in_app") == "immediate"
    assert alert.default_mode("email") == "immediate"
    assert kinds.get("system.announcement").default_mode("email") == "digest"


def test_sms_exists_only_for_kinds_that_allow_it():
    assert "sms" in kinds.get(GRADE).channels
    assert "sms" not in kinds.get(ALERT).channels
    assert kinds.get(ALERT).allowed_modes("sms") == []
    assert kinds.get(ALERT).default_mode("sms") == "never"


def test_in_app_has_no_digest():
    assert kinds.get(GRADE).allowed_modes("in_app") == ["never", "immediate"]
    assert kinds.get(GRADE).allowed_modes("email") == ["never", "immediate", "digest"]
    with pytest.raises(ValueError, match="no digest"):
        kinds.register("test.bad", "Bad", default_modes={"in_app": "digest"})


def test_a_kind_cannot_ask_for_sms_without_allowing_it():
    with pytest.raises(ValueError, match="does not allow SMS"):
        kinds.register("test.bad", "Bad", default_modes={"sms": "immediate"})
    assert kinds.find("test.bad") is None


def test_declaring_twice_is_harmless_but_a_different_definition_is_refused():
    same = kinds.get(ALERT)
    assert kinds.register(ALERT, "Alerte", default_modes={"email": "immediate", "push": "immediate"}, urgent=True) == same
    with pytest.raises(ValueError, match="already declared"):
        kinds.register(ALERT, "Autre alerte")


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(kinds.UnknownKind):
        kinds.get("nobody.declared.this")
    assert kinds.label_of("gone.kind") == "gone.kind"


def test_summaries_use_the_plural_forms():
    with override("fr"):
        assert kinds.get(GRADE).summarize(1) == "1 nouvelle note"
        assert kinds.get(GRADE).summarize(3) == "3 nouvelles notes"
        assert kinds.get(ABSENCE).summarize(2) == "2 absences"
        assert kinds.get(ALERT).summarize(2) == "Alerte (2)"
