"""Demo users, one per role, for a local trial only."""

from __future__ import annotations

from base64 import b32decode

from django.conf import settings
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from activeportal.accounts import roles, two_factor
from activeportal.accounts.models import User
from districts.models import District, OfficerAssignment
from referrals.models import ReferrerOrganisation

DEMO_PASSWORD = "active-norfolk-demo"
# The demo's authenticator key (base32, as an app takes it), published like the password: the
# hub, manager and admin demo users sign in with a code from it (``manage.py demo_code``, or an
# app given this key). Only with DEBUG on.
DEMO_TOTP_KEY = "ACTIVEPORTALDEMOACTIVEPORTALDEMO"
DEMO_DEVICE_NAME = "Demo authenticator"

# (e-mail, role, what they do)
DEMO_USERS = [
    ("officer@example.org", roles.OFFICER, "Locality officer for Breckland and Norwich"),
    ("referrer@example.org", roles.REFERRER, "GP at Demo Medical Practice (Norwich)"),
    ("hub@example.org", roles.HUB, "Single point of access coordinator"),
    ("hub2@example.org", roles.HUB, "Single point of access health coach"),
    ("manager@example.org", roles.MANAGER, "Partnership manager"),
    ("admin@example.org", roles.ADMIN, "Portal administrator"),
]
OFFICER_DISTRICTS = ["Breckland", "Norwich"]
# Names that tell two users of one role apart (caseloads, assignment lists); else Demo <Role>.
DEMO_NAMES = {"hub2@example.org": ("Sam", "Hub")}


def load_demo_users(
    districts: dict[str, District], organisations: dict[str, ReferrerOrganisation]
) -> list[tuple[str, str, str]]:
    """Create or reset the demo users; return (e-mail, role, description) for each."""
    from demo.referrals import DEMO_PRACTICE

    for email, role, description in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            email=email,
            defaults={
                "first_name": DEMO_NAMES.get(email, ("Demo",))[0],
                "last_name": DEMO_NAMES.get(email, (None, role.capitalize()))[1],
                "job_title": description,
                "is_staff": role == roles.ADMIN,
                "is_superuser": role == roles.ADMIN,
                "organisation": organisations[DEMO_PRACTICE] if role == roles.REFERRER else None,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.groups.set([Group.objects.get(name=role)])
        if role == roles.OFFICER:
            for name in OFFICER_DISTRICTS:
                OfficerAssignment.objects.get_or_create(officer=user, district=districts[name])
        if settings.DEBUG and two_factor.required_for(user):
            demo_device_set(user)
    return DEMO_USERS


def demo_device_key_hex() -> str:
    return b32decode(DEMO_TOTP_KEY).hex()


def demo_device_set(user: User) -> TOTPDevice:
    """The user's one authenticator: the demo key (their recovery codes are left as they are)."""
    TOTPDevice.objects.filter(user=user).exclude(name=DEMO_DEVICE_NAME).delete()
    device, _ = TOTPDevice.objects.update_or_create(
        user=user,
        name=DEMO_DEVICE_NAME,
        defaults={"key": demo_device_key_hex(), "confirmed": True},
    )
    return device
