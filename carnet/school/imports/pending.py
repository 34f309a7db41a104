"""An uploaded file kept between its preview and its apply, in the default storage under
imports/pending/<user public id>/<sha256 of the content>.

The path binds the file to the person who uploaded it and to its content: another person cannot
name it, and the apply checks that the bytes still have the digest the preview showed. One pending
file per person: a new upload replaces the previous one."""

from __future__ import annotations

import hashlib
import re

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def _folder(user) -> str:
    return f"imports/pending/{user.public_id}"


def keep(user, content: bytes) -> str:
    """Store `content` for `user`, dropping their previous pending file; returns its digest."""
    digest = hashlib.sha256(content).hexdigest()
    discard_all(user)
    default_storage.save(f"{_folder(user)}/{digest}", ContentFile(content))
    return digest


def load(user, digest: str) -> bytes | None:
    """The pending file of `user` with this digest, or None when it is gone or was altered."""
    if not _DIGEST.match(digest or ""):
        return None
    path = f"{_folder(user)}/{digest}"
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != digest:
        return None
    return content


def discard_all(user) -> None:
    folder = _folder(user)
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")
