"""Search of referrals by name: trigram indexes on PostgreSQL (pg_trgm), where ``icontains``
compares UPPER(name) LIKE UPPER(%term%). Other databases have no such index; a search there
reads the table, which is fine at their size.
"""

from django.db import migrations

NAME_COLUMNS = ["first_name", "last_name"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in NAME_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS referral_{column}_trgm_idx ON referrals_referral "
            f"USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in NAME_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS referral_{column}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("referrals", "0007_worklist_caseloads_search_places")]

    operations = [migrations.RunPython(create, drop)]
