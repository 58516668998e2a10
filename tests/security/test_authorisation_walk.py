"""The authorisation walk: every URL pattern, as every kind of person, GET and POST.

DESIGN.md §1 says who may see what; ``PAGES`` below says it for each URL pattern of the project
(the Django admin included), so a new page cannot ship without someone deciding who may open
it, and a test fails on a pattern with no entry and on an entry whose pattern is gone.

Each pattern's parameters are filled with objects of two sides, A and B: two districts, two
referrer organisations with a referral each, two work log entries, frameworks, streams,
allocations, funding and history import batches, builds and social-value models. A person of
side A asking for side B's object is asking out of scope, which must answer 404 so that ids are
not confirmed. Every request is undone when it has been answered, so a POST that deletes or
imports leaves the next request the same objects.

An outcome in the table is one of:

* ``200``, ``302``, ``400``, ``403``, ``404``, ``405``: that status (302: a redirect that is
  not to a sign-in page);
* ``L``: a redirect to the sign-in page; ``A``: a redirect to the admin's sign-in page;
* ``ok``: 200 or a redirect that is not to a sign-in page (the admin's own pages);
* ``own/other``: the outcome for the person's own side's object, then for the other side's;
  both people of the role are walked both ways.

The columns are the people: anonymous, a user with no role, officer, referrer, hub, manager,
admin. Nobody may ever get a 500, and no page, CSV, XLSX or JSON served to the public, a user
with no role, an officer or a manager holds a referred person's identifiers (NHS number in any
spacing, names, date of birth, contact details, reason); a referrer gets none of another
organisation's referral.
"""

from __future__ import annotations

import datetime
import html
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import openpyxl
import pytest
from django.contrib.admin import site as admin_site
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from activeportal.accounts import roles
from activeportal.accounts.models import User
from activeportal.health.models import WorkerHeartbeat
from districts.models import CaseStudy, OfficerAssignment
from districts.models import Testimonial as StoryQuote
from funding import services as funding_services
from referrals.history.services import history_import_preview
from referrals.models import Status
from reports import services as report_services
from reports.models import SnapshotBuild
from tests.factories import (
    ActionItemFactory,
    ActivityOpportunityFactory,
    AllocationFactory,
    DistrictFactory,
    FollowUpFactory,
    FrameworkForActionFactory,
    FundingStreamFactory,
    PartnerFactory,
    PriorityFactory,
    ReferralFactory,
    ReferrerOrganisationFactory,
    UserFactory,
    WorkLogEntryFactory,
)
from tests.referrals.nhs import fake_nhs_number
from tests.signin import two_factor_passed

PEOPLE = ("anonymous", "no role", "officer", "referrer", "hub", "manager", "admin")

# Who is walked, as (column in the table, their side). Officers and referrers are scoped, so
# each has a second person on side B; the history import batch of side A is the hub worker's
# and that of side B the manager's, so they are on those sides.
WALKERS = (
    ("anonymous", "A"),
    ("no role", "A"),
    ("officer", "A"),
    ("officer", "B"),
    ("referrer", "A"),
    ("referrer", "B"),
    ("hub", "A"),
    ("manager", "B"),
    ("admin", "A"),
)
# The admin's pages are the same for every non-staff person: one of each role walks them.
ADMIN_WALKERS = tuple((who, side) for who, side in WALKERS if side == "A" or who == "manager")

# Those who may never see a referred person's identifiers (DESIGN.md §1).
NO_IDENTIFIERS = {"anonymous", "no role", "officer", "manager"}

OTHER = {"A": "B", "B": "A"}


@dataclass(frozen=True)
class Page:
    """One URL pattern: how to fill it for a side, and the outcomes of GET and POST."""

    fill: Callable[[World, str], dict[str, Any]]
    get: str
    post: str
    query: str = ""


def none(w: World, side: str) -> dict[str, Any]:
    return {}


def by(attribute: str, key: str = "pk") -> Callable[[World, str], dict[str, Any]]:
    """Fill ``key`` with the pk of the side's object held in ``World.<attribute>``."""
    return lambda w, side: {key: getattr(w, attribute)[side].pk}


# Keyed by URL name (by route for the admin's unnamed patterns); the seven outcomes of GET and of
# POST are for: anonymous, no role, officer, referrer, hub, manager, admin.
PAGES: dict[str, Page] = {
    "home": Page(none, get="L 403 302 302 302 302 302", post="L 403 302 302 302 302 302"),
    "login": Page(none, get="200 302 302 302 302 302 302", post="200 302 302 302 302 302 302"),
    "logout": Page(none, get="405 405 405 405 405 405 405", post="200 200 200 200 200 200 200"),
    # Two-factor sign-in: every signed-in person's own; the walkers have passed it (their
    # sessions are verified) and, but for the admin (whose devices the admin pages are walked
    # with), have no authenticator, so the code page sends them on and new recovery codes are
    # refused until one is set up. Only an admin resets another's.
    "two-factor": Page(none, get="L 200 200 200 200 200 200", post="L 405 405 405 405 405 405"),
    "two-factor-setup": Page(
        none, get="L 200 200 200 200 200 200", post="L 200 200 200 200 200 200"
    ),
    "two-factor-verify": Page(
        none, get="L 302 302 302 302 302 302", post="L 302 302 302 302 302 302"
    ),
    "two-factor-recovery-codes": Page(
        none, get="L 200 200 200 200 200 200", post="L 405 405 405 405 405 405"
    ),
    "two-factor-recovery-codes-new": Page(
        none, get="L 302 302 302 302 302 200", post="L 302 302 302 302 302 302"
    ),
    "two-factor-reset": Page(
        lambda w, side: {"user_id": w.people["no role"]["A"].pk},
        get="L 403 403 403 403 403 200",
        post="L 403 403 403 403 403 302",
    ),
    "password_change": Page(
        none, get="L 200 200 200 200 200 200", post="L 200 200 200 200 200 200"
    ),
    "password_change_done": Page(
        none, get="L 200 200 200 200 200 200", post="L 405 405 405 405 405 405"
    ),
    "password_reset": Page(
        none, get="200 200 200 200 200 200 200", post="200 200 200 200 200 200 200"
    ),
    "password_reset_done": Page(
        none, get="200 200 200 200 200 200 200", post="405 405 405 405 405 405 405"
    ),
    "password_reset_confirm": Page(
        lambda w, side: {"uidb64": w.reset_uid, "token": "not-a-token"},
        get="200 200 200 200 200 200 200",
        post="200 200 200 200 200 200 200",
    ),
    "password_reset_complete": Page(
        none, get="200 200 200 200 200 200 200", post="405 405 405 405 405 405 405"
    ),
    "healthz": Page(none, get="200 200 200 200 200 200 200", post="405 405 405 405 405 405 405"),
    "bench-ping": Page(none, get="404 404 404 404 404 404 404", post="405 405 405 405 405 405 405"),
    "pages:accessibility": Page(
        none, get="200 200 200 200 200 200 200", post="200 200 200 200 200 200 200"
    ),
    "pages:privacy": Page(
        none, get="200 200 200 200 200 200 200", post="200 200 200 200 200 200 200"
    ),
    "transparency:index": Page(
        none, get="200 200 200 200 200 200 200", post="200 200 200 200 200 200 200"
    ),
    "transparency:open-data": Page(
        lambda w, side: {"year": "2024-25", "fmt": "json"},
        get="200 200 200 200 200 200 200",
        post="200 200 200 200 200 200 200",
    ),
    # districts: staff (officer, hub, manager, admin) read; officers change their own districts'.
    "districts:list": Page(none, get="L 403 200 403 200 200 200", post="L 403 200 403 200 200 200"),
    "districts:mine": Page(none, get="L 403 200 403 403 403 200", post="L 403 200 403 403 403 200"),
    "districts:worklog": Page(
        none, get="L 403 200 403 200 200 200", post="L 403 200 403 200 200 200"
    ),
    "districts:worklog-download": Page(
        none, get="L 403 200 403 200 200 200", post="L 403 200 403 200 200 200"
    ),
    "districts:worklog-add": Page(
        none, get="L 403 200 403 403 403 200", post="L 403 400 403 403 403 400"
    ),
    "districts:worklog-edit": Page(
        by("worklog"), get="L 403 200/404 403 403 403 200", post="L 403 400/404 403 403 403 400"
    ),
    "districts:worklog-delete": Page(
        by("worklog"), get="L 403 200/404 403 403 403 200", post="L 403 302/404 403 403 403 302"
    ),
    "districts:partners": Page(
        none, get="L 403 200 403 200 200 200", post="L 403 200 403 200 200 200"
    ),
    "districts:partner-add": Page(
        none, get="L 403 200 403 403 403 200", post="L 403 400 403 403 403 400"
    ),
    "districts:partner-edit": Page(
        by("partner"), get="L 403 200/404 403 403 403 200", post="L 403 400/404 403 403 403 400"
    ),
    "districts:framework": Page(
        by("framework"), get="L 403 200/200 403 200 200 200", post="L 403 200 403 200 200 200"
    ),
    "districts:framework-edit": Page(
        by("framework"), get="L 403 200/404 403 403 403 200", post="L 403 302/404 403 403 403 302"
    ),
    "districts:priority-add": Page(
        by("framework"), get="L 403 200/404 403 403 403 200", post="L 403 400/404 403 403 403 400"
    ),
    "districts:priority-edit": Page(
        by("priority"), get="L 403 200/404 403 403 403 200", post="L 403 400/404 403 403 403 400"
    ),
    "districts:priority-move": Page(
        by("priority"), get="L 403 405 403 403 403 405", post="L 403 302/404 403 403 403 302"
    ),
    "districts:priority-delete": Page(
        by("priority"), get="L 403 200/404 403 403 403 200", post="L 403 302/404 403 403 403 302"
    ),
    "districts:action-add": Page(
        by("priority"), get="L 403 200/404 403 403 403 200", post="L 403 400/404 403 403 403 400"
    ),
    "districts:action-edit": Page(
        by("action"), get="L 403 200/404 403 403 403 200", post="L 403 400/404 403 403 403 400"
    ),
    "districts:stories": Page(
        none, get="L 403 200 403 200 200 200", post="L 403 200 403 200 200 200"
    ),
    "districts:story-add": Page(
        lambda w, side: {"kind": "case-studies"},
        get="L 403 200 403 403 403 200",
        post="L 403 400 403 403 403 400",
    ),
    "districts:story-edit": Page(
        lambda w, side: {"kind": "case-studies", "pk": w.case_study[side].pk},
        get="L 403 200/404 403 403 403 200",
        post="L 403 400/404 403 403 403 400",
    ),
    "districts:detail": Page(
        lambda w, side: {"slug": w.district[side].slug},
        get="L 403 200/200 403 200 200 200",
        post="L 403 200 403 200 200 200",
    ),
    "districts:framework-add": Page(
        lambda w, side: {"slug": w.district[side].slug},
        get="L 403 200/404 403 403 403 200",
        post="L 403 400/404 403 403 403 400",
    ),
    # funding: managers (and admins) only.
    "funding:dashboard": Page(
        none, get="L 403 403 403 403 200 200", post="L 403 403 403 403 200 200"
    ),
    "funding:dashboard-download": Page(
        lambda w, side: {"table": "streams"},
        get="L 403 403 403 403 200 200",
        post="L 403 403 403 403 200 200",
    ),
    "funding:stream-list": Page(
        none, get="L 403 403 403 403 200 200", post="L 403 403 403 403 200 200"
    ),
    "funding:stream-create": Page(
        none, get="L 403 403 403 403 200 200", post="L 403 403 403 403 200 200"
    ),
    "funding:stream-edit": Page(
        by("stream"), get="L 403 403 403 403 200 200", post="L 403 403 403 403 200 200"
    ),
    "funding:stream-deactivate": Page(
        by("stream"), get="L 403 403 403 403 200 200", post="L 403 403 403 403 302 302"
    ),
    "funding:stream-reactivate": Page(
        by("stream"), get="L 403 403 403 403 405 405", post="L 403 403 403 403 302 302"
    ),
    "funding:allocation-list": Page(
        none,
        get="L 403 403 403 403 200 200",
        post="L 403 403 403 403 200 200",
        query="download=xlsx",
    ),
    "funding:allocation-create": Page(
        none, get="L 403 403 403 403 200 200", post="L 403 403 403 403 200 200"
    ),
    "funding:allocation-edit": Page(
        by("allocation"), get="L 403 403 403 403 200 200", post="L 403 403 403 403 200 200"
    ),
    "funding:allocation-status": Page(
        by("allocation"), get="L 403 403 403 403 200 200", post="L 403 403 403 403 200 200"
    ),
    "funding:import-upload": Page(
        none, get="L 403 403 403 403 200 200", post="L 403 403 403 403 200 200"
    ),
    "funding:import-preview": Page(
        by("funding_batch"), get="L 403 403 403 403 200 200", post="L 403 403 403 403 200 200"
    ),
    "funding:import-confirm": Page(
        by("funding_batch"), get="L 403 403 403 403 405 405", post="L 403 403 403 403 302 302"
    ),
    # referrals, intake: referrers see their own organisation's referrals; the hub every one.
    "referrals:home": Page(none, get="L 403 403 200 403 403 200", post="L 403 403 200 403 403 200"),
    "referrals:new": Page(none, get="L 403 403 200 403 403 200", post="L 403 403 200 403 403 200"),
    "referrals:detail": Page(
        by("referral"), get="L 403 403 200/404 200 403 200", post="L 403 403 200/404 200 403 200"
    ),
    "referrals:submitted": Page(
        by("referral"), get="L 403 403 200/404 403 403 200", post="L 403 403 200/404 403 403 200"
    ),
    "referrals:withdraw": Page(
        by("referral"), get="L 403 403 200/404 403 403 200", post="L 403 403 200/404 403 403 200"
    ),
    "referrals:note-new": Page(
        by("referral"), get="L 403 403 405 403 403 405", post="L 403 403 400/404 403 403 400"
    ),
    "referrals:summary": Page(
        by("referral"), get="L 403 403 200/404 200 403 200", post="L 403 403 200/404 200 403 200"
    ),
    "referrals:updates": Page(
        none, get="L 403 403 200 403 403 200", post="L 403 403 200 403 403 200"
    ),
    "referrals:self": Page(
        none, get="200 200 200 200 200 200 200", post="200 200 200 200 200 200 200"
    ),
    "referrals:self-thanks": Page(
        none, get="200 200 200 200 200 200 200", post="200 200 200 200 200 200 200"
    ),
    "referrals:notifications": Page(
        none, get="L 403 403 200 403 403 200", post="L 403 403 302 403 403 302"
    ),
    # referrals, the hub: anyone signed in without the hub role gets 404.
    "referrals:triage": Page(
        none, get="L 404 404 404 200 404 200", post="L 404 404 404 200 404 200"
    ),
    "referrals:hub-bulk-assign": Page(
        none, get="L 404 404 404 405 404 405", post="L 404 404 404 302 404 302"
    ),
    "referrals:hub-referral": Page(
        by("referral"), get="L 404 404 404 200 404 200", post="L 404 404 404 200 404 200"
    ),
    "referrals:hub-assign": Page(
        by("referral"), get="L 404 404 404 405 404 405", post="L 404 404 404 200 404 200"
    ),
    "referrals:hub-move": Page(
        by("referral"), get="L 404 404 404 405 404 405", post="L 404 404 404 302 404 302"
    ),
    "referrals:hub-close": Page(
        lambda w, side: {"pk": w.referral[side].pk, "to_status": Status.DECLINED},
        get="L 404 404 404 200 404 200",
        post="L 404 404 404 200 404 200",
    ),
    "referrals:hub-contact": Page(
        by("referral"), get="L 404 404 404 405 404 405", post="L 404 404 404 200 404 200"
    ),
    "referrals:hub-district": Page(
        by("referral"), get="L 404 404 404 405 404 405", post="L 404 404 404 200 404 200"
    ),
    "referrals:hub-match": Page(
        by("referral"), get="L 404 404 404 200 404 200", post="L 404 404 404 200 404 200"
    ),
    "referrals:hub-follow-up": Page(
        lambda w, side: {"pk": w.follow_up[side].referral_id, "follow_up_pk": w.follow_up[side].pk},
        get="L 404 404 404 200 404 200",
        post="L 404 404 404 200 404 200",
    ),
    "referrals:hub-follow-ups": Page(
        none, get="L 404 404 404 200 404 200", post="L 404 404 404 200 404 200"
    ),
    "referrals:hub-activities": Page(
        none, get="L 404 404 404 200 404 200", post="L 404 404 404 200 404 200"
    ),
    "referrals:hub-activity-new": Page(
        none, get="L 404 404 404 200 404 200", post="L 404 404 404 200 404 200"
    ),
    "referrals:hub-activity-edit": Page(
        by("opportunity"), get="L 404 404 404 200 404 200", post="L 404 404 404 200 404 200"
    ),
    "referrals:hub-subject-access": Page(
        none, get="L 404 404 404 200 404 200", post="L 404 404 404 200 404 200"
    ),
    # referrals, history import: hub and managers; a batch only to the person who uploaded it.
    "referrals:import": Page(
        none, get="L 403 403 403 200 200 200", post="L 403 403 403 200 200 200"
    ),
    "referrals:import_preview": Page(
        by("history_batch"),
        get="L 403 403 403 200/404 200/404 404",
        post="L 403 403 403 200/404 200/404 404",
    ),
    "referrals:import_confirm": Page(
        by("history_batch"),
        get="405 405 405 405 405 405 405",
        post="L 403 403 403 302/404 302/404 404",
    ),
    "referrals:import_discard": Page(
        by("history_batch"),
        get="405 405 405 405 405 405 405",
        post="L 403 403 403 302/404 302/404 404",
    ),
    # reports: managers (and admins) only.
    "reports:index": Page(none, get="L 403 403 403 403 302 302", post="L 403 403 403 403 302 302"),
    "reports:dashboard": Page(
        lambda w, side: {"year": 2024},
        get="L 403 403 403 403 200 200",
        post="L 403 403 403 403 200 200",
    ),
    "reports:report": Page(
        lambda w, side: {"year": 2024},
        get="L 403 403 403 403 200 200",
        post="L 403 403 403 403 200 200",
    ),
    "reports:download": Page(
        lambda w, side: {"year": 2024, "table": "pathways", "fmt": "xlsx"},
        get="L 403 403 403 403 200 200",
        post="L 403 403 403 403 200 200",
    ),
    "reports:report-words": Page(
        lambda w, side: {"year": 2024},
        get="L 403 403 403 403 200 200",
        post="L 403 403 403 403 302 302",
    ),
    "reports:logo-edit": Page(
        none, get="L 403 403 403 403 200 200", post="L 403 403 403 403 200 200"
    ),
    # Public, as the printed report is; the walk's world has no logo.
    "reports:logo": Page(
        none, get="404 404 404 404 404 404 404", post="404 404 404 404 404 404 404"
    ),
    "reports:rebuild": Page(
        none, get="L 403 403 403 403 405 405", post="L 403 403 403 403 302 302"
    ),
    "reports:build-status": Page(
        by("build"), get="L 403 403 403 403 200 200", post="L 403 403 403 403 200 200"
    ),
    "reports:social-value-list": Page(
        none, get="L 403 403 403 403 200 200", post="L 403 403 403 403 200 200"
    ),
    "reports:social-value-detail": Page(
        by("model"), get="L 403 403 403 403 200 200", post="L 403 403 403 403 200 200"
    ),
    "reports:social-value-copy": Page(
        by("model"), get="L 403 403 403 403 405 405", post="L 403 403 403 403 302 302"
    ),
    "reports:social-value-edit": Page(
        by("model"), get="L 403 403 403 403 200 302", post="L 403 403 403 403 200 302"
    ),
    "reports:social-value-make-current": Page(
        by("model"), get="L 403 403 403 403 405 405", post="L 403 403 403 403 302 302"
    ),
    # the Django admin: the admin only; everyone else is sent to its sign-in page.
    "admin:index": Page(none, get="A A A A A A 200", post="A A A A A A 200"),
    "admin:login": Page(
        none, get="200 200 200 200 200 200 302", post="200 200 200 200 200 200 200"
    ),
    "admin:logout": Page(
        none, get="302 302 302 302 302 302 405", post="302 302 302 302 302 302 200"
    ),
    "admin:password_change": Page(none, get="A A A A A A 200", post="A A A A A A 200"),
    "admin:password_change_done": Page(none, get="A A A A A A 200", post="A A A A A A 405"),
    "admin:autocomplete": Page(none, get="A A A A A A 403", post="A A A A A A 405"),
    "admin:jsi18n": Page(none, get="A A A A A A 200", post="A A A A A A 405"),
    "admin:view_on_site": Page(
        lambda w, side: {"content_type_id": w.district_type, "object_id": w.district[side].pk},
        get="A A A A A A 404",
        post="A A A A A A 404",
    ),
    "admin:app_list": Page(
        lambda w, side: {"app_label": "referrals"},
        get="A A A A A A 200",
        post="A A A A A A 200",
    ),
    "admin/(?P<url>.*)$": Page(
        lambda w, side: {"url": "no-such-page/"},
        get="A A A A A A 404",
        post="A A A A A A 404",
    ),
    "admin:auth_user_password_change": Page(
        lambda w, side: {"id": w.people["no role"]["A"].pk},
        get="A A A A A A 200",
        post="A A A A A A 200",
    ),
    "admin:otp_totp_totpdevice_config": Page(
        lambda w, side: {"pk": w.admin_objects["otp_totp.totpdevice"].pk},
        get="A A A A A A 200",
        post="A A A A A A 200",
    ),
    "admin:otp_totp_totpdevice_qrcode": Page(
        lambda w, side: {"pk": w.admin_objects["otp_totp.totpdevice"].pk},
        get="A A A A A A 200",
        post="A A A A A A 200",
    ),
}

# Every model in the admin; each gets its five pages and the redirect of ``<id>/``, which only
# the admin may open (``ok``: 200, or a redirect after a POST that saved or deleted).
ADMIN_MODELS = (
    "auth.group",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "django_celery_beat.periodictask",
    "django_celery_beat.clockedschedule",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.solarschedule",
    "django_celery_beat.intervalschedule",
    "auditlog.logentry",
    "otp_totp.totpdevice",
    "otp_static.staticdevice",
    "accounts.user",
    "health.workerheartbeat",
    "outbox.outboxmessage",
    "outbox.jobrun",
    "districts.district",
    "districts.officerassignment",
    "districts.partner",
    "districts.worklogentry",
    "districts.frameworkforaction",
    "districts.priority",
    "districts.casestudy",
    "districts.testimonial",
    "funding.fundingstream",
    "funding.allocation",
    "funding.importbatch",
    "referrals.referrerorganisation",
    "reports.socialvaluemodel",
    "reports.impactsnapshot",
    "reports.snapshotbuild",
)
# The admin pages that answer otherwise than ``ok`` (GET, then POST): rows that only the portal
# itself writes (sign-in records, import batches) cannot be added, and the audit trail cannot be
# added to, changed or deleted by anyone.
ADMIN_EXCEPTIONS = {
    "admin:axes_accessattempt_add": "403 403",
    "admin:axes_accesslog_add": "403 403",
    "admin:axes_accessfailurelog_add": "403 403",
    "admin:funding_importbatch_add": "403 403",
    "admin:outbox_outboxmessage_add": "403 403",
    "admin:outbox_jobrun_add": "403 403",
    "admin:auditlog_logentry_add": "403 403",
    "admin:auditlog_logentry_change": "ok 403",
    "admin:auditlog_logentry_delete": "403 403",
}


def _admin_pages() -> dict[str, Page]:
    pages = {}
    for label in ADMIN_MODELS:
        app, model = label.split(".")

        def one(w: World, side: str, label: str = label) -> dict[str, Any]:
            return {"object_id": w.admin_objects[label].pk}

        for view, fill in (
            ("changelist", none),
            ("add", none),
            ("change", one),
            ("history", one),
            ("delete", one),
        ):
            get, post = ADMIN_EXCEPTIONS.get(f"admin:{app}_{model}_{view}", "ok ok").split()
            pages[f"admin:{app}_{model}_{view}"] = Page(
                fill, get=f"A A A A A A {get}", post=f"A A A A A A {post}"
            )
        pages[f"admin/{app}/{model}/<path:object_id>/"] = Page(
            one, get="A A A A A A 302", post="A A A A A A 302"
        )
    return pages


TABLE = {**PAGES, **_admin_pages()}


def _patterns(resolver: URLResolver, prefix: str = "", namespaces: tuple = ()) -> Iterator:
    """(the table's key for the pattern, its route) for every pattern, recursively."""
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            yield (":".join((*namespaces, pattern.name)) if pattern.name else route), route


def _project_patterns() -> dict[str, str]:
    return dict(_patterns(get_resolver()))


# The people and objects of the walk ---------------------------------------------------------


@dataclass
class Person:
    """A referred person's identifiers, and the patterns that find them in a served file."""

    first_name: str
    last_name: str
    date_of_birth: datetime.date
    nhs_number: str
    email: str = ""
    phone: str = ""
    reason: str = ""

    def found_in(self, text: str) -> list[str]:
        """The identifiers of this person that ``text`` holds."""
        spaced = r"[\s\-\u00a0]*".join(self.nhs_number)
        dob = self.date_of_birth
        checks = {
            "NHS number": spaced,
            "first name": rf"\b{self.first_name}\b",
            "last name": rf"\b{self.last_name}\b",
            "date of birth": "|".join(
                re.escape(text)
                for text in {
                    dob.isoformat(),
                    dob.strftime("%d/%m/%Y"),
                    f"{dob.day} {dob:%b %Y}",
                    f"{dob.day} {dob:%B %Y}",
                    dob.strftime("%d %b %Y"),
                }
            ),
        }
        for name, value in (("e-mail", self.email), ("phone", self.phone)):
            if value:
                checks[name] = r"[\s\-]*".join(re.escape(c) for c in value if c != " ")
        if self.reason:
            checks["reason"] = re.escape(self.reason)
        return [name for name, rx in checks.items() if re.search(rx, text, re.IGNORECASE)]


@dataclass
class World:
    """Two sides (A and B) of every kind of object, and the people who walk."""

    people: dict[str, dict[str, User | None]] = field(default_factory=dict)
    district: dict = field(default_factory=dict)
    referral: dict = field(default_factory=dict)
    follow_up: dict = field(default_factory=dict)
    worklog: dict = field(default_factory=dict)
    partner: dict = field(default_factory=dict)
    framework: dict = field(default_factory=dict)
    priority: dict = field(default_factory=dict)
    action: dict = field(default_factory=dict)
    case_study: dict = field(default_factory=dict)
    stream: dict = field(default_factory=dict)
    allocation: dict = field(default_factory=dict)
    funding_batch: dict = field(default_factory=dict)
    history_batch: dict = field(default_factory=dict)
    build: dict = field(default_factory=dict)
    model: dict = field(default_factory=dict)
    opportunity: dict = field(default_factory=dict)
    admin_objects: dict = field(default_factory=dict)
    # The identifiers of side A's and side B's referral, and of the history import files.
    persons: dict[str, Person] = field(default_factory=dict)
    reset_uid: str = ""
    district_type: int = 0


PERSONS = {
    "A": Person(
        "Wilhelmina",
        "Quarrendon",
        datetime.date(1951, 3, 14),
        fake_nhs_number(7001),
        email="w.quarrendon@example.net",
        phone="07700 900111",
        reason="Housebound since a hip operation and keen to walk again.",
    ),
    "B": Person(
        "Barnabus",
        "Tregothnan",
        datetime.date(1947, 11, 2),
        fake_nhs_number(7301),
        email="b.tregothnan@example.net",
        phone="07700 900222",
        reason="Low mood after bereavement; wants company while exercising.",
    ),
    "history A": Person("Ottoline", "Vexworthy", datetime.date(1939, 8, 23), fake_nhs_number(7601)),
    "history B": Person(
        "Peregrine", "Mallowcrest", datetime.date(1944, 1, 9), fake_nhs_number(7901)
    ),
}

HISTORY_HEAD = (
    "reference,submitted_on,pathway,referrer_organisation,district,imd_decile,postcode,"
    "nhs_number,first_name,last_name,date_of_birth,baseline_minutes,status,referred_onto_activity"
)
FUNDING_HEAD = "financial_year,district,stream,amount,recipient,purpose,status,award_date"


def _world() -> World:
    w = World(persons=PERSONS)
    w.district = {
        "A": DistrictFactory(name="Breckland", slug="breckland", ons_code="E07000143"),
        "B": DistrictFactory(name="Norwich", slug="norwich", ons_code="E07000148"),
    }
    organisation = {
        side: ReferrerOrganisationFactory(name=f"Practice {side}", district=w.district[side])
        for side in "AB"
    }
    people: dict[str, dict[str, User | None]] = {"anonymous": {"A": None}}
    people["no role"] = {"A": UserFactory(email="nobody@example.org")}
    people["officer"] = {
        side: UserFactory(
            email=f"officer.{side.lower()}@example.org",
            roles=[roles.OFFICER],
            officer_of=[w.district[side]],
        )
        for side in "AB"
    }
    people["referrer"] = {
        side: UserFactory(
            email=f"referrer.{side.lower()}@example.org",
            roles=[roles.REFERRER],
            organisation=organisation[side],
        )
        for side in "AB"
    }
    people["hub"] = {"A": UserFactory(email="hub@example.org", roles=[roles.HUB])}
    people["manager"] = {"B": UserFactory(email="manager@example.org", roles=[roles.MANAGER])}
    people["admin"] = {
        "A": UserFactory(
            email="admin@example.org", roles=[roles.ADMIN], is_staff=True, is_superuser=True
        )
    }
    w.people = people
    hub, manager = people["hub"]["A"], people["manager"]["B"]
    for side in "AB":
        person = PERSONS[side]
        referral = ReferralFactory(
            organisation=organisation[side],
            district=w.district[side],
            referrer=people["referrer"][side],
            first_name=person.first_name,
            last_name=person.last_name,
            date_of_birth=person.date_of_birth,
            nhs_number=person.nhs_number,
            email=person.email,
            phone=person.phone,
            reason=person.reason,
            # Contacted: still open to withdrawal by its referrer, and to every hub action.
            status=Status.CONTACTED,
        )
        w.referral[side] = referral
        w.follow_up[side] = FollowUpFactory(referral=referral)
        officer = people["officer"][side]
        w.partner[side] = PartnerFactory(name=f"Partner {side}")
        w.partner[side].districts.set([w.district[side]])
        w.worklog[side] = WorkLogEntryFactory(officer=officer, district=w.district[side])
        w.framework[side] = FrameworkForActionFactory(district=w.district[side])
        w.priority[side] = PriorityFactory(framework=w.framework[side])
        w.action[side] = ActionItemFactory(priority=w.priority[side])
        w.case_study[side] = CaseStudy.objects.create(
            district=w.district[side],
            title=f"Case study {side}",
            text="A walking group changed a street.",
            programme="Active NoW",
            who="Walking group member, 70s",
            created_by=officer,
        )
        StoryQuote.objects.create(
            district=w.district[side],
            text="It got me out of the house.",
            programme="Active NoW",
            who="Participant, 60s",
            created_by=officer,
        )
        w.stream[side] = FundingStreamFactory(name=f"Stream {side}")
        w.allocation[side] = AllocationFactory(stream=w.stream[side], district=w.district[side])
        w.opportunity[side] = ActivityOpportunityFactory(
            provider=w.partner[side], district=w.district[side]
        )
        row = f"2024-25,{w.district[side].name},Stream {side},{100 + ord(side)}.00,,,planned,"
        w.funding_batch[side] = funding_services.import_preview(
            file_name=f"allocations-{side}.csv",
            content=f"{FUNDING_HEAD}\n{row}\n".encode(),
            user=manager,
        )
        uploaded = PERSONS[f"history {side}"]
        w.history_batch[side] = history_import_preview(
            user=hub if side == "A" else manager,
            referrals_data=(
                f"{HISTORY_HEAD}\nOLD-{side}1,2023-02-10,general,Practice {side},"
                f"{w.district[side].name},3,,{uploaded.nhs_number},{uploaded.first_name},"
                f"{uploaded.last_name},{uploaded.date_of_birth},20,completed,yes\n"
            ).encode(),
            referrals_filename="referrals.csv",
            follow_ups_data=None,
        )
    model = report_services.social_value_model_create_default()
    for district_id in (None, w.district["A"].pk, w.district["B"].pk):
        report_services.snapshot_build(year=2024, district_id=district_id, model_id=model.pk)
    w.model = {"A": model, "B": report_services.social_value_model_copy(model=model, user=manager)}
    w.build = {
        side: SnapshotBuild.objects.create(requested_by=manager, state=SnapshotBuild.State.DONE)
        for side in "AB"
    }
    w.reset_uid = urlsafe_base64_encode(force_bytes(people["no role"]["A"].pk))
    w.district_type = ContentType.objects.get_for_model(w.district["A"]).pk
    _admin_objects(w)
    return w


def _admin_objects(w: World) -> None:
    """One row of every model in the admin, for its change, history and delete pages."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from activeportal.outbox.models import JobRun, OutboxMessage

    admin = w.people["admin"]["A"]
    interval = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    made = {
        "axes.accessattempt": AccessAttempt.objects.create(
            username="x@example.org", ip_address="10.0.0.1", failures_since_start=1
        ),
        "axes.accesslog": AccessLog.objects.create(username="x@example.org", ip_address="10.0.0.1"),
        "axes.accessfailurelog": AccessFailureLog.objects.create(
            username="x@example.org", ip_address="10.0.0.1"
        ),
        "django_celery_beat.intervalschedule": interval,
        "django_celery_beat.periodictask": PeriodicTask.objects.create(
            name="walk", task="walk", interval=interval
        ),
        "django_celery_beat.clockedschedule": ClockedSchedule.objects.create(
            clocked_time=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
        ),
        "django_celery_beat.crontabschedule": CrontabSchedule.objects.create(),
        "django_celery_beat.solarschedule": SolarSchedule.objects.create(
            event="sunrise", latitude=52.6, longitude=1.3
        ),
        "otp_totp.totpdevice": TOTPDevice.objects.create(user=admin, name="walk"),
        "otp_static.staticdevice": StaticDevice.objects.create(user=admin, name="walk"),
        # A live worker, so that /healthz answers 200 with a broker too.
        "health.workerheartbeat": WorkerHeartbeat.objects.create(
            hostname="walk@localhost", seen_at=datetime.datetime.now(datetime.UTC)
        ),
        "outbox.outboxmessage": OutboxMessage.objects.create(
            key="walk", task="outbox.purge", state=OutboxMessage.State.FAILED, error="walk"
        ),
        "outbox.jobrun": JobRun.objects.create(job="walk", slot="2025-01-01"),
        "auth.group": Group.objects.get(name=roles.OFFICER),
        "accounts.user": w.people["no role"]["A"],
        "districts.officerassignment": OfficerAssignment.objects.first(),
        "districts.testimonial": StoryQuote.objects.first(),
    }
    for label in ADMIN_MODELS:
        if label not in made:
            model = admin_site.get_model_admin(_model_of(label)).model
            made[label] = model._default_manager.order_by("pk").first()
    w.admin_objects = made


def _model_of(label: str):
    from django.apps import apps

    return apps.get_model(label)


# The walk -----------------------------------------------------------------------------------


@dataclass
class Visit:
    """One request and what it got."""

    key: str
    method: str
    who: str
    side: str
    scope: str  # "own", "other" or "" when the entry does not tell them apart
    url: str
    status: int
    location: str
    error: str
    leaked: list[str]

    def __str__(self) -> str:
        scope = f" ({self.scope} side)" if self.scope else ""
        return f"{self.method} {self.url} as {self.who} {self.side}{scope}"


def _signed_in_client(user: User | None) -> Client:
    """A client that checks CSRF as a browser meets it, holding the csrftoken cookie of the
    sign-in page, signed in as ``user`` (anonymous for None)."""
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    if user is not None:
        client.force_login(user)  # outside the test's own fixtures: the code is given here
        two_factor_passed(client)
    return client


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _text_of(content: bytes) -> str:
    """What a person reads in a response: an XLSX's cells (and its raw XML), else the text."""
    if content.startswith(b"PK"):
        parts = []
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                parts += [str(cell) for cell in row if cell is not None]
        return html.unescape("\n".join(parts))
    return html.unescape(content.decode("utf-8", "replace"))


def _forbidden_persons(who: str, side: str) -> list[str]:
    """The persons whose identifiers ``who`` of ``side`` may not be shown."""
    if who in NO_IDENTIFIERS:
        return list(PERSONS)
    if who == "referrer":
        return [OTHER[side], "history A", "history B"]
    return []


def _request(client: Client, cookies, method: str, url: str, token: str):
    """Send one request and undo whatever it changed; (response, content, error)."""
    client.cookies = cookies.__class__(cookies)
    try:
        with transaction.atomic():
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, {"csrfmiddlewaretoken": token}, HTTP_X_CSRFTOKEN=token)
            content = _content(response)
            transaction.set_rollback(True)
    # A raised error is the 500 a person would get: recorded, so the walk goes on.
    except Exception as error:
        return None, b"", f"{type(error).__name__}: {error}"
    return response, content, ""


def _walk() -> list[Visit]:
    world = _world()
    patterns = _project_patterns()
    visits = []
    for who, side in WALKERS:
        user = world.people[who][side]
        client = _signed_in_client(user)
        cookies = client.cookies.__class__(client.cookies)
        token = cookies["csrftoken"].value
        forbidden = [PERSONS[p] for p in _forbidden_persons(who, side)]
        for key, page in TABLE.items():
            if key not in patterns:
                continue
            if key.startswith("admin") and (who, side) not in ADMIN_WALKERS:
                continue
            for method, outcomes in (("GET", page.get), ("POST", page.post)):
                outcome = outcomes.split()[PEOPLE.index(who)]
                scopes = ("own", "other") if "/" in outcome else ("",)
                for scope in scopes:
                    target = OTHER[side] if scope == "other" else side
                    url = _url(key, patterns[key], page.fill(world, target))
                    if page.query:
                        url += "?" + page.query
                    response, content, error = _request(client, cookies, method, url, token)
                    text = _text_of(content) if forbidden and content else ""
                    leaked = [
                        f"{p.first_name}'s {found}" for p in forbidden for found in p.found_in(text)
                    ]
                    visits.append(
                        Visit(
                            key=key,
                            method=method,
                            who=who,
                            side=side,
                            scope=scope,
                            url=url,
                            status=response.status_code if response else 500,
                            location=response.get("Location", "") if response else "",
                            error=error,
                            leaked=leaked,
                        )
                    )
    return visits


def _url(key: str, route: str, kwargs: dict[str, Any]) -> str:
    if not key.startswith("admin/"):
        return reverse(key, kwargs=kwargs)
    # The admin's unnamed patterns: fill the route by hand.
    if key == "admin/(?P<url>.*)$":
        return "/admin/" + kwargs["url"]
    return "/" + route.replace("<path:object_id>", str(kwargs["object_id"]))


@pytest.fixture(scope="module")
def walk(django_db_setup, django_db_blocker) -> list[Visit]:
    """Every request of the walk, made once on one set of objects that is then rolled back."""
    quick = ["tests.conftest.QuickPBKDF2PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=quick, SELF_REFERRAL_ENABLED=True),
        transaction.atomic(),
    ):
        cache.clear()
        visits = _walk()
        transaction.set_rollback(True)
    cache.clear()
    return visits


def _expected(outcome: str, scope: str) -> str:
    if "/" not in outcome:
        return outcome
    own, other = outcome.split("/")
    return own if scope == "own" else other


def _meets(visit: Visit, expected: str) -> bool:
    signin = visit.location.startswith(reverse("login"))
    admin_signin = visit.location.startswith(reverse("admin:login"))
    redirect = visit.status == 302 and not signin and not admin_signin
    if expected == "L":
        return visit.status == 302 and signin
    if expected == "A":
        return visit.status == 302 and admin_signin
    if expected == "ok":
        return visit.status == 200 or redirect
    if expected == "302":
        return redirect
    return str(visit.status) == expected


# The tests ----------------------------------------------------------------------------------


def test_every_url_pattern_has_an_entry_in_the_table():
    missing = sorted(set(_project_patterns()) - set(TABLE))
    assert not missing, (
        "These URL patterns have no entry in PAGES (say who may open them, as DESIGN.md §1 "
        "says): " + ", ".join(missing)
    )


def test_every_entry_of_the_table_is_a_url_pattern_that_exists():
    gone = sorted(set(TABLE) - set(_project_patterns()))
    assert not gone, "These entries of PAGES name no URL pattern any more: " + ", ".join(gone)


# The mark makes pytest-django set up the test database that the walk fixture uses.
@pytest.mark.django_db
def test_each_person_gets_the_outcome_the_design_gives(walk):
    wrong = []
    for visit in walk:
        page = TABLE[visit.key]
        outcomes = page.get if visit.method == "GET" else page.post
        expected = _expected(outcomes.split()[PEOPLE.index(visit.who)], visit.scope)
        if not _meets(visit, expected):
            got = f"{visit.status} {visit.location}".strip()
            wrong.append(f"{visit}: expected {expected}, got {got}")
    assert not wrong, f"{len(wrong)} requests of {len(walk)}:\n" + "\n".join(wrong)


# The mark makes pytest-django set up the test database that the walk fixture uses.
@pytest.mark.django_db
def test_no_request_gives_a_500(walk):
    errors = [f"{v}: {v.error or v.status}" for v in walk if v.status >= 500]
    assert not errors, "\n".join(errors)


# The mark makes pytest-django set up the test database that the walk fixture uses.
@pytest.mark.django_db
def test_no_identifier_reaches_those_who_may_not_see_it(walk):
    leaks = [f"{v}: {', '.join(v.leaked)}" for v in walk if v.leaked]
    assert not leaks, "\n".join(leaks)
