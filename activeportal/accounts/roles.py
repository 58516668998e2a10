"""The portal's roles (Django groups), what each may do, and the one check views use."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

OFFICER = "officer"
REFERRER = "referrer"
HUB = "hub"
MANAGER = "manager"
ADMIN = "admin"

ROLES = (OFFICER, REFERRER, HUB, MANAGER, ADMIN)

# Which role's home a user with several roles lands on, first match wins.
HOME_ORDER = (ADMIN, MANAGER, HUB, OFFICER, REFERRER)
HOME_URL_NAMES = {
    ADMIN: "funding:dashboard",
    MANAGER: "funding:dashboard",
    HUB: "referrals:triage",
    OFFICER: "districts:mine",
    REFERRER: "referrals:home",
}


def home_url_name(user) -> str | None:
    """The URL name of the user's home page, or None for a user with no role."""
    names = user.role_names
    for role in HOME_ORDER:
        if role in names:
            return HOME_URL_NAMES[role]
    return None


# Model permissions per role, as "app_label.codename". The admin group holds every permission.
# Page access is decided by role (role_required); these permissions serve Django admin and
# any later API, and later issues extend them with their own models in a data migration.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    OFFICER: [
        "districts.view_district",
        "districts.view_partner",
        "districts.add_partner",
        "districts.change_partner",
        "districts.view_worklogentry",
        "districts.add_worklogentry",
        "districts.change_worklogentry",
        "districts.delete_worklogentry",
        "districts.view_frameworkforaction",
        "districts.add_frameworkforaction",
        "districts.change_frameworkforaction",
        "districts.delete_frameworkforaction",
        "districts.view_priority",
        "districts.add_priority",
        "districts.change_priority",
        "districts.delete_priority",
        "districts.view_actionitem",
        "districts.add_actionitem",
        "districts.change_actionitem",
        "districts.delete_actionitem",
        "districts.view_casestudy",
        "districts.add_casestudy",
        "districts.change_casestudy",
        "districts.delete_casestudy",
        "districts.view_testimonial",
        "districts.add_testimonial",
        "districts.change_testimonial",
        "districts.delete_testimonial",
    ],
    REFERRER: [
        "referrals.view_referrerorganisation",
        "referrals.add_referral",
        "referrals.view_referral",
    ],
    HUB: [
        "districts.view_district",
        "districts.view_partner",
        "referrals.view_referrerorganisation",
        "referrals.view_referral",
        "referrals.view_activityopportunity",
        "referrals.add_activityopportunity",
        "referrals.change_activityopportunity",
        "referrals.view_contactattempt",
        "referrals.view_referralmatch",
        "referrals.view_followup",
        "districts.view_worklogentry",
        "districts.view_frameworkforaction",
        "districts.view_priority",
        "districts.view_actionitem",
        "districts.view_casestudy",
        "districts.view_testimonial",
    ],
    MANAGER: [
        "districts.view_district",
        "districts.view_partner",
        "funding.view_fundingstream",
        "funding.add_fundingstream",
        "funding.change_fundingstream",
        "funding.view_allocation",
        "funding.add_allocation",
        "funding.change_allocation",
        "funding.view_importbatch",
        "funding.add_importbatch",
        "funding.change_importbatch",
        "referrals.view_referrerorganisation",
        "reports.view_impactsnapshot",
        "reports.view_snapshotbuild",
        "reports.add_snapshotbuild",
        "reports.view_socialvaluemodel",
        "reports.add_socialvaluemodel",
        "reports.change_socialvaluemodel",
        "districts.view_worklogentry",
        "districts.view_frameworkforaction",
        "districts.view_priority",
        "districts.view_actionitem",
        "districts.view_casestudy",
        "districts.view_testimonial",
    ],
    ADMIN: [],  # every permission: see sync_roles
}


def has_role(user, *roles: str) -> bool:
    """True if the signed-in user holds any of ``roles``; admins hold every role."""
    if not user.is_authenticated or not user.is_active:
        return False
    names = user.role_names
    return ADMIN in names or bool(names.intersection(roles))


def hub_workers():
    """Active users who work the hub (the hub group; admins are not offered), by name."""
    from activeportal.accounts.models import User

    return User.objects.filter(is_active=True, groups__name=HUB).distinct()


def role_required(*roles: str) -> Callable:
    """View decorator: sign-in required, then one of ``roles`` (403 page otherwise)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not has_role(request.user, *roles):
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def sync_roles(apps, *, using: str = "default") -> None:
    """Create the role groups and give each its permissions (idempotent).

    Permissions are normally created after every app has migrated; they are created here
    first so that groups hold them from the first migrate on.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Migration state apps are stubs without models_module, which create_permissions needs.
        is_stub = getattr(app_config, "models_module", None) is None
        if is_stub:
            app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
        if is_stub:
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role)
        if role == ADMIN:
            group.permissions.set(Permission.objects.using(using).all())
            continue
        wanted = []
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".")
            wanted.extend(
                Permission.objects.using(using).filter(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(wanted)
