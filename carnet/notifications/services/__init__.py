"""Writes of the notifications app. Modules call `notify(...)`; pages and the API call the rest.

- notify: create in-app notifications and plan their deliveries (`sending.py`)
- deliver_now, send_digests: hand deliveries to the channels (`delivery.py`)
- mark_read, mark_all_read, save_preferences (modes and quiet hours): a person's own (`personal.py`)
- register_push_subscription, remove_push_subscription: a person's browsers receiving web push (`push.py`)
- update_establishment_settings: quiet hours, digest hour, SMS budget (`establishment.py`)"""

from carnet.notifications.services.delivery import deliver_now, send_digests
from carnet.notifications.services.establishment import settings_version, update_establishment_settings
from carnet.notifications.services.personal import (
    QuietChoice,
    mark_all_read,
    mark_read,
    save_preferences,
    set_preferences,
    set_quiet_hours,
)
from carnet.notifications.services.push import register_push_subscription, remove_push_subscription
from carnet.notifications.services.sending import notify

__all__ = [
    "QuietChoice",
    "deliver_now",
    "mark_all_read",
    "mark_read",
    "notify",
    "register_push_subscription",
    "remove_push_subscription",
    "save_preferences",
    "send_digests",
    "set_preferences",
    "set_quiet_hours",
    "settings_version",
    "update_establishment_settings",
]
