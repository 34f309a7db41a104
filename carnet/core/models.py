"""Abstract bases every app builds its models on."""

import uuid

from django.db import models


class PublicIdModel(models.Model):
    """A row that appears in URLs: it is addressed by a random UUID, never its integer key."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
