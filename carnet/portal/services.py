"""Writes of the portal: a person's own contact details and language."""

from __future__ import annotations

from django.db import transaction

from carnet.audit import services as audit
from carnet.school.policies import establishments_of_person

#: Fields whose change is recorded in the audit trail: they are the channels of account recovery
#: and of messages to families.
AUDITED_FIELDS = ("email", "phone")


@transaction.atomic
def update_contact_details(*, actor, email: str, phone: str, language: str) -> dict[str, tuple[str, str]]:
    """Set the actor's own e-mail, phone and language (already validated and normalised by the
    form). Records one audit event per establishment of the person when the e-mail or the phone
    changes (one event without establishment for a person who has none). Returns the changes as
    {field: (old, new)}."""
    new_values = {"email": email, "phone": phone, "language": language}
    changes = {f: (getattr(actor, f), v) for f, v in new_values.items() if getattr(actor, f) != v}
    if not changes:
        return {}
    for name, (_old, new) in changes.items():
        setattr(actor, name, new)
    actor.save(update_fields=list(changes))
    audited = {f: changes[f] for f in AUDITED_FIELDS if f in changes}
    if audited:
        establishments: list = list(establishments_of_person(actor)) or [None]
        for establishment in establishments:
            audit.record(
                actor=actor, action="profile.contact_changed", obj=actor, establishment=establishment, changes=audited
            )
    return changes
