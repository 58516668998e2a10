"""The triage queue filtered by district and pathway together: its own partial index, built
CONCURRENTLY on PostgreSQL like the others of 0005."""

from django.db import migrations, models

from activeportal.lib.migrations import AddIndexConcurrentlyOnPostgres

OPEN_STATUSES = ["submitted", "triaged", "contacted", "matched", "active"]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("referrals", "0005_indexes_for_a_million_referrals")]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("status__in", OPEN_STATUSES)),
                fields=["district", "pathway", "submitted_at", "id"],
                name="referral_open_dist_path_idx",
            ),
        ),
    ]
