from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "activeportal.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_roles_after_migrate, sender=self)


def _sync_roles_after_migrate(sender, using, apps=None, **kwargs) -> None:
    # Later migrations add models; re-attaching permissions after every migrate keeps
    # roles.ROLE_PERMISSIONS the one place that says what each role holds.
    from django.apps import apps as global_apps

    from activeportal.accounts.roles import sync_roles

    # flush (between transactional tests) sends the signal without migration state.
    sync_roles(apps or global_apps, using=using)
