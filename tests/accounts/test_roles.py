from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from activeportal.accounts import roles


@pytest.mark.django_db
def test_every_role_is_a_group_created_by_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)


@pytest.mark.django_db
def test_each_role_holds_its_permissions():
    manager = Group.objects.get(name=roles.MANAGER)
    codes = {f"{p.content_type.app_label}.{p.codename}" for p in manager.permissions.all()}
    assert codes == set(roles.ROLE_PERMISSIONS[roles.MANAGER])
    assert Group.objects.get(name=roles.ADMIN).permissions.count() == Permission.objects.count()


@pytest.mark.django_db
def test_no_role_other_than_admin_may_change_referrals_or_funding_by_default():
    officer = Group.objects.get(name=roles.OFFICER)
    assert not officer.permissions.filter(content_type__app_label="funding").exists()


def test_has_role(officer_breckland, admin_user, no_role_user):
    assert roles.has_role(officer_breckland, roles.OFFICER)
    assert not roles.has_role(officer_breckland, roles.MANAGER)
    assert roles.has_role(admin_user, roles.MANAGER), "admins hold every role"
    assert not roles.has_role(no_role_user, *roles.ROLES)


def test_a_user_with_several_roles_lands_on_the_first_home(officer_breckland):
    officer_breckland.groups.add(Group.objects.get(name=roles.MANAGER))
    user = type(officer_breckland).objects.get(pk=officer_breckland.pk)
    assert roles.home_url_name(user) == "funding:dashboard"
