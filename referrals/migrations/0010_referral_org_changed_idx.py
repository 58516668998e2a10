"""An index for a referrer's recent updates (their organisation's referrals by when their status
last moved), built CONCURRENTLY on PostgreSQL (hence non-atomic), as 0005."""

from django.db import migrations, models

from activeportal.lib.migrations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("referrals", "0009_follow_ups_awaited_and_recent_updates")]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="referral",
            index=models.Index(
                fields=["organisation", "status_changed_at"], name="referral_org_changed_idx"
            ),
        ),
    ]
