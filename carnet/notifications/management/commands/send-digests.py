"""`carnet send-digests`: send the digests that are due now, in this process.

`carnet worker` already does this every five minutes; this command is for a cron job on
installations that run no worker, or to send by hand after changing a digest hour."""

from django.core.management.base import BaseCommand

from carnet.notifications import services


class Command(BaseCommand):
    help = "Send the notification digests that are due now (and immediate deliveries that lost their task)."

    def handle(self, *args, **options):
        outcome = services.send_digests()
        if not outcome:
            self.stdout.write("No digest due.")
            return
        summary = ", ".join(f"{status}: {count}" for status, count in sorted(outcome.items()))
        self.stdout.write(f"Deliveries handled — {summary}.")
