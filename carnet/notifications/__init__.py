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

Not here: a real Web Push sender (VAPID keys, browser subscriptions). The push backends write to a
file, the console or memory; see `backends/push.py` for the interface a real sender implements."""
