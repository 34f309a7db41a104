"""Writes of the grades app (keyword-only, take an `actor`, authorize, atomic, audited):

- assessments: create_assessment, update_assessment, duplicate_assessment, delete_assessment, publish_now
- marks: save_mark, save_column, mark_history
- locks: is_locked, ensure_unlocked (a closed class council locks a period's marks)
- publication: compute_publication, notify_due_publications"""

from carnet.grades.services.assessments import (
    create_assessment,
    delete_assessment,
    duplicate_assessment,
    publish_now,
    update_assessment,
)
from carnet.grades.services.locks import ensure_unlocked, is_locked
from carnet.grades.services.marks import mark_history, save_column, save_mark
from carnet.grades.services.publication import compute_publication, notify_due_publications

__all__ = [
    "compute_publication",
    "create_assessment",
    "delete_assessment",
    "duplicate_assessment",
    "ensure_unlocked",
    "is_locked",
    "mark_history",
    "notify_due_publications",
    "publish_now",
    "save_column",
    "save_mark",
    "update_assessment",
]
