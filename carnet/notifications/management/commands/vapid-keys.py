"""`carnet vapid-keys`: print a fresh VAPID key pair for real web push, ready for the environment.

Generate it once per installation and keep it: browsers subscribe with the public key, so a new
pair silently ends every existing subscription (people then re-enable notifications)."""

from django.core.management.base import BaseCommand

from carnet.notifications.vapid import new_key_pair


class Command(BaseCommand):
    help = "Print a fresh VAPID key pair (CARNET_VAPID_PRIVATE_KEY, CARNET_VAPID_PUBLIC_KEY) for web push."

    def handle(self, *args, **options):
        private, public = new_key_pair()
        self.stdout.write(f"CARNET_VAPID_PRIVATE_KEY={private}")
        self.stdout.write(f"CARNET_VAPID_PUBLIC_KEY={public}")
        self.stderr.write(
            "Keep the private key secret. Also set CARNET_VAPID_SUBJECT=mailto:<an address that reads mail> and "
            "CARNET_PUSH_BACKEND=carnet.notifications.backends.push.WebPushBackend. "
            "Changing the pair later ends every browser subscription."
        )
