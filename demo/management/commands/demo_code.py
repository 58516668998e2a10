from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.accounts import DEMO_DEVICE_NAME, demo_device_key_hex


class Command(BaseCommand):
    help = (
        "Print the code the demo users (hub, manager, admin) enter at two-factor sign-in, as an "
        "authenticator app given the demo key would show it. DEBUG only."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code serves the local demo only: it runs with DEBUG on.")
        totp = TOTP(bytes.fromhex(demo_device_key_hex()), step=30)
        totp.time = time.time()
        now = totp.t()
        # A code is taken once: if one of this step was used already, the next step's code is
        # accepted too (one step of tolerance).
        used = TOTPDevice.objects.filter(name=DEMO_DEVICE_NAME).values_list("last_t", flat=True)
        step = max([now, *(t + 1 for t in used)])
        if step > now + 1:
            raise CommandError("The demo's codes were used for the next minute: try again then.")
        totp.time = step * 30
        seconds = 30 - int(time.time()) % 30 + (30 if step > now else 0)
        self.stdout.write(f"{totp.token():06d}  (good for about {seconds} seconds)")
