"""Notifications: the one core every module uses to tell people something.

Modules declare kinds; this app stores in-app notifications, decides per person, kind and channel
(in-app, e-mail, SMS, web push) whether to send now, in the daily digest or never, holds everything
during quiet hours, counts the SMS budget, and delivers in background tasks."""
