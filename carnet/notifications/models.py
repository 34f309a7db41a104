"""Notifications, their deliveries on each outgoing channel, and the settings that govern them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carnet.core.models import PublicIdModel
from carnet.identity import sessions
from carnet.notifications import kinds, quiet
from carnet.notifications.kinds import Channel, Mode
from carnet.school.models import Establishment


class Notification(PublicIdModel):
    """One thing told to one person; the in-app channel is this row itself."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    kind = models.CharField(_("type"), max_length=64)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte"), blank=True)
    url = models.CharField(_("lien"), max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    sms_text = models.CharField(max_length=200, blank=True, help_text="Already fitted to one GSM-7 SMS.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_read"),
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def kind_label(self) -> str:
        return kinds.label_of(self.kind)


class Delivery(models.Model):
    """A notification on one outgoing channel (e-mail, SMS, push): when it goes and what happened.

    `in_digest` deliveries wait for the recipient's digest at `scheduled_for` and leave grouped
    with the others of the same person, channel and establishment."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        HELD_QUIET = "held_quiet", _("Retenue (heures calmes)")
        SENT = "sent", _("Envoyée")
        FAILED = "failed", _("Échec")
        SKIPPED_BUDGET = "skipped_budget", _("Non envoyée (budget SMS épuisé)")
        SKIPPED_NO_ADDRESS = "skipped_no_address", _("Non envoyée (aucune adresse)")

    WAITING = (Status.PENDING, Status.HELD_QUIET)

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The establishment whose quiet hours and SMS budget apply.",
    )
    channel = models.CharField(max_length=10, choices=[(c.value, c.label) for c in kinds.OUTGOING_CHANNELS])
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    in_digest = models.BooleanField(default=False)
    scheduled_for = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["scheduled_for", "id"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["status", "in_digest", "scheduled_for"], name="delivery_due"),
            models.Index(fields=["establishment", "channel", "created_at"], name="delivery_establishment"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} -> {self.recipient_id}: {self.status}"


class NotificationPreference(models.Model):
    """A person's choice for one kind on one channel; without a row, the kind's default applies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(max_length=64)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notification_preference_unique"),
            models.CheckConstraint(
                condition=~Q(channel=Channel.IN_APP, mode=Mode.DIGEST), name="notification_preference_no_in_app_digest"
            ),
        ]


class QuietWindow(models.Model):
    quiet_start = models.TimeField(_("début des heures calmes"), default=quiet.DEFAULT_QUIET_START)
    quiet_end = models.TimeField(_("fin des heures calmes"), default=quiet.DEFAULT_QUIET_END)
    quiet_weekends = models.BooleanField(_("week-end calme"), default=True)

    class Meta:
        abstract = True

    @property
    def quiet_hours(self) -> quiet.QuietHours:
        return quiet.QuietHours(self.quiet_start, self.quiet_end, self.quiet_weekends)


class EstablishmentNotificationSettings(QuietWindow):
    """How an establishment lets notifications reach its people. Without a row, the defaults
    below apply (see `selectors.settings_for`)."""

    DEFAULT_SMS_BUDGET = 100

    establishment = models.OneToOneField(Establishment, on_delete=models.CASCADE, related_name="notification_settings")
    digest_hour = models.TimeField(_("heure du résumé quotidien"), default=quiet.DEFAULT_DIGEST_HOUR)
    allow_urgent_in_quiet_hours = models.BooleanField(
        _("laisser passer les alertes urgentes pendant les heures calmes"), default=False
    )
    sms_monthly_budget = models.PositiveIntegerField(
        _("budget SMS mensuel"), default=DEFAULT_SMS_BUDGET, validators=[MaxValueValidator(1_000_000)]
    )
    sms_sender_name = models.CharField(
        _("nom d'expéditeur des SMS"), max_length=11, blank=True, help_text=_("11 caractères au plus, sans accent.")
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name_plural = "establishment notification settings"

    def schedule(self, quiet_hours: quiet.QuietHours | None = None) -> quiet.Schedule:
        return quiet.Schedule(
            time_zone=self.establishment.time_zone,
            quiet=quiet_hours or self.quiet_hours,
            digest_hour=self.digest_hour,
            urgent_allowed=self.allow_urgent_in_quiet_hours,
        )

    @property
    def sms_prefix(self) -> str:
        return self.sms_sender_name or "Carnet"


class UserQuietHours(QuietWindow):
    """A person's own quiet hours; they replace the establishment's while the row exists."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiet_hours")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "user quiet hours"


class SmsUsage(models.Model):
    """SMS sent for an establishment in a calendar month (`month` is its first day)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="sms_usage")
    month = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["establishment", "month"], name="sms_usage_unique_month")]

    @staticmethod
    def month_of(moment: dt.datetime, time_zone: str) -> dt.date:
        return moment.astimezone(quiet.zone(time_zone)).date().replace(day=1)


class PushSubscription(PublicIdModel):
    """One browser on one device that agreed to receive this person's web push notifications.

    `endpoint` is the push service address the browser gave (unique: a browser that changes hands
    moves to its new person); `p256dh` and `auth` are the browser's keys that encrypt each message.
    A push service answering 404 or 410 means the browser dropped the subscription: the row goes.
    Other failures count up until a message gets through again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200, help_text="The browser's P-256 public key, base64url.")
    auth = models.CharField(max_length=100, help_text="The browser's authentication secret, base64url.")
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_success_at = models.DateTimeField(null=True, blank=True)
    failure_count = models.PositiveIntegerField(default=0, help_text="Failures since the last message that got through.")
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="push_subscription_user")]

    def __str__(self) -> str:
        return f"{self.device} ({self.user_id})"

    @property
    def device(self) -> str:
        """The browser and system in plain words: « Chrome sur Android »."""
        return sessions.describe_user_agent(self.user_agent)

    @property
    def device_icon(self) -> str:
        return sessions.device_icon(self.user_agent)

    @property
    def info(self) -> dict:
        """The subscription in the shape the Push API gives and pywebpush takes."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
