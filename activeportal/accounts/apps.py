from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "activeportal.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.core import checks
        from django.db.models.signals import post_migrate, post_save

        from . import signals
        from .checks import log_production_warnings, production_warnings

        post_migrate.connect(_sync_roles_after_migrate, sender=self)
        user_logged_in.connect(signals.on_user_logged_in, dispatch_uid="accounts-session-start")
        user_logged_out.connect(signals.on_user_logged_out, dispatch_uid="accounts-session-end")
        post_save.connect(
            signals.on_user_saved, sender=self.get_model("User"), dispatch_uid="accounts-deactivate"
        )
        checks.register(production_warnings)
        log_production_warnings()


def _sync_roles_after_migrate(sender, using, apps=None, **kwargs) -> None:
    # Later migrations add models; re-attaching permissions after every migrate keeps
    # roles.ROLE_PERMISSIONS the one place that says what each role holds.
    from django.apps import apps as global_apps

    from activeportal.accounts.roles import sync_roles

    # flush (between transactional tests) sends the signal without migration state.
    sync_roles(apps or global_apps, using=using)
