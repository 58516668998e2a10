"""Create the role groups (officer, referrer, hub, manager, admin) with their permissions."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from activeportal.accounts.roles import sync_roles

    sync_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("districts", "0001_initial"),
        ("funding", "0001_initial"),
        ("referrals", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
