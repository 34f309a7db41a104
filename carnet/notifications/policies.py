"""Who may see and change what in notifications.

A notification is seen by its recipient only, and a push subscription (a browser receiving web
push) by the person it belongs to. An establishment's notification settings (quiet
hours, digest hour, SMS budget) are managed by its administrative staff."""

from __future__ import annotations

from django.db.models import QuerySet

from carnet.core.errors import PermissionDenied
from carnet.notifications.models import Notification, PushSubscription
from carnet.school.models import Establishment
from carnet.school.policies import administered_establishments
from carnet.school.roles import roles_of


def notifications_visible_to(actor) -> QuerySet[Notification]:
    if actor is None or not actor.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=actor.pk)


def push_subscriptions_visible_to(actor) -> QuerySet[PushSubscription]:
    if actor is None or not actor.is_authenticated:
        return PushSubscription.objects.none()
    return PushSubscription.objects.filter(user_id=actor.pk)


def settings_establishments_for(actor) -> QuerySet[Establishment]:
    """Establishments whose notification settings this person manages."""
    return administered_establishments(actor)


def can_manage_settings(actor, establishment) -> bool:
    return roles_of(actor).is_administrative_in(establishment.pk)


def ensure_can_manage_settings(actor, establishment) -> None:
    if not can_manage_settings(actor, establishment):
        raise PermissionDenied()
