from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from activeportal.lib.fy import fy_label
from activeportal.lib.money import format_gbp
from demo.accounts import DEMO_PASSWORD, DEMO_TOTP_KEY, load_demo_users
from demo.districts import load_district_work, load_districts
from demo.flow import load_current_flow
from demo.funding import load_funding
from demo.hub import load_hub_demo
from demo.referrals import load_referral_history, load_referrer_organisations
from demo.reports import load_reports_demo
from funding.models import Allocation


class Command(BaseCommand):
    help = (
        "Load the Active Norfolk 2024-25 demo: districts, funding streams and allocations, "
        "one user per role, the referral history and a current flow of referrals dated from "
        "today. Idempotent (a rerun on a later day replaces the flow). For a local trial only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (the demo users share a published password).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo creates users with a published password, so it refuses to run with "
                "DEBUG off. Use it on a local trial (DEBUG=1), or pass --force if you mean it."
            )
        with transaction.atomic():
            districts = load_districts()
            load_funding(districts)
            organisations = load_referrer_organisations(districts)
            users = load_demo_users(districts, organisations)
            load_district_work(districts)
            load_referral_history(districts, organisations)
            load_hub_demo()
            flow = load_current_flow()  # after the directory: its matches need activities
            load_reports_demo()  # last: the statistics are built from everything above

        total = sum(Allocation.objects.filter(financial_year=2024).values_list("amount", flat=True))
        self.stdout.write(
            f"Loaded {len(districts)} districts; allocations in {fy_label(2024)}: "
            f"{format_gbp(total)}."
        )
        self.stdout.write(
            "Current flow (dated from today): "
            + (f"{flow} referrals written." if flow else "already there for today.")
        )
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for email, role, description in users:
            self.stdout.write(f"  {role:<9} {email:<24} {description}")
        if settings.DEBUG:
            self.stdout.write(
                "Two-factor sign-in (hub, manager, admin): the code from `python manage.py "
                f"demo_code`, or from an authenticator app given the key {DEMO_TOTP_KEY}."
            )
