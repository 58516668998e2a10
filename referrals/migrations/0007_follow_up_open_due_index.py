"""The hub's follow-ups due list, oldest due first, read in order from the follow-ups still to
record (partial index, built CONCURRENTLY on PostgreSQL)."""

from django.db import migrations, models

from activeportal.lib.migrations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("referrals", "0006_referral_open_district_pathway_index")]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("completed_on__isnull", True)),
                fields=["due_on", "id"],
                name="follow_up_open_due_idx",
            ),
        ),
    ]
