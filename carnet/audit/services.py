"""Writing to the audit trail. Call inside the transaction of the change, so both land or neither."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from carnet.audit.models import AuditEvent


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def record(
    *,
    actor,
    action: str,
    obj: Any = None,
    establishment=None,
    changes: Mapping[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event. `changes` maps field -> (old, new); values are stored as JSON text."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", None) or obj.pk)
        object_repr = object_repr or str(obj)[:200]
    actor_obj = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        establishment=establishment,
        actor=actor_obj,
        actor_name=str(actor_obj)[:200] if actor_obj else "système",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes={k: [_plain(v[0]), _plain(v[1])] for k, v in (changes or {}).items()},
        ip_address=ip_address,
    )


def diff(instance, fields: list[str], new_values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The (old, new) pairs among `fields` that `new_values` would change on `instance`."""
    return {
        f: (getattr(instance, f), new_values[f])
        for f in fields
        if f in new_values and getattr(instance, f) != new_values[f]
    }
