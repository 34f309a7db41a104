"""Notifications: the one core every module uses to tell people something.

Modules declare kinds; this app stores in-app notifications, decides per person, kind and channel
(in-app, e-mail, SMS, web push) whether to send now, in the daily digest or never, holds everything
during quiet hours, counts the SMS budget, and delivers in background tasks. It knows no feature:
it never imports the modules that use it.

How a module uses it
--------------------
1. Declare its kinds once, in its AppConfig.ready() (see `kinds.register` for every option):

       kinds.register("attendance.absence", _("Absence"), description=_("…"),
                      default_modes={"sms": "immediate"}, sms_allowed=True,
                      summary=ngettext_lazy("%(count)d absence", "%(count)d absences", "count"))

2. Call `services.notify(...)` after its own change commits:

       transaction.on_commit(lambda: notify(recipients=guardians, kind="attendance.absence",
                                            title=..., body=..., url=..., establishment=...,
                                            sms_text="Carnet : Alice absente ce matin (8 h-10 h)"))

   Pass `establishment` when the notification is about one (its quiet hours and SMS budget apply);
   give an `sms_text` written for 160 characters when the kind allows SMS.

What happens next
-----------------
- The in-app Notification rows are created at once (one bulk insert).
- Per outgoing channel, the person's preference (else the kind's default) decides: never,
  immediately (after the commit, in a task on the "notifications" queue; held for the digest while
  the person is in quiet hours: 20:00–07:00 and weekends by default, in the establishment's time
  zone, unless the kind is urgent and the establishment lets urgent alerts through), or the
  morning digest.
- `carnet worker` runs the tasks and, every five minutes, `send_digests`, which sends one e-mail,
  one SMS ("Carnet : 3 nouvelles notes, 1 absence") and one push per person, channel and
  establishment at the digest hour. `carnet send-digests` does the same once, for cron.
- Every Delivery ends sent, failed (with the transport's error), skipped_budget or
  skipped_no_address; the establishment settings page shows the month's counts.

Web push
--------
A person turns it on per browser on the preferences page ("Recevoir les notifications sur cet
appareil"): `static/notifications/push.js` registers the service worker served at /sw.js
(`web/push.py`), subscribes with the server's VAPID public key and posts the subscription, stored
as a `PushSubscription` (also through the API: /api/v1/notifications/push-subscriptions).
CARNET_PUSH_BACKEND chooses the sender: `WebPushBackend` encrypts and signs for every browser of
the person and drops subscriptions the push service says are gone; the default `FilePushBackend`
(demo) writes var/outbox/push.log, and tests use `MemoryPushBackend`. Keys: `carnet vapid-keys`,
`vapid.py`; `carnet check` refuses a WebPushBackend without usable keys."""
