"""Which demo person plays which printed role, so `seed-demo --once` prints the same table again."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DemoAccount(models.Model):
    """A sign-in printed by `carnet seed-demo`. The password is not stored: it is derived from `key`
    (`carnet.demo.data.demo_password`), and only these accounts have a usable one."""

    key = models.CharField(max_length=40, unique=True)  # "lycee-direction", "ceg-eleve"…
    role = models.CharField(max_length=20)  # a key of carnet.demo.data.ROLE_LABELS
    establishment = models.ForeignKey(
        "school.Establishment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    detail = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.key
