"""Indexes for a million referrals: lists newest first, the triage queue, its counts per status
and its filters by pathway and district (partial: open referrals only), and follow-ups still
to record.

On PostgreSQL the indexes are built CONCURRENTLY, so a live portal keeps taking referrals
while they are built (hence a non-atomic migration); elsewhere they are built as usual.
"""

from django.conf import settings
from django.db import migrations, models

from activeportal.lib.migrations import AddIndexConcurrentlyOnPostgres

OPEN_STATUSES = ["submitted", "triaged", "contacted", "matched", "active"]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("districts", "0002_worklog_frameworks_stories"),
        ("referrals", "0004_merge_hub_and_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("completed_on__isnull", True)),
                fields=["referral", "due_on"],
                name="follow_up_open_idx",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="referral",
            index=models.Index(fields=["-submitted_at"], name="referral_submitted_at_idx"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("status__in", OPEN_STATUSES)),
                fields=["submitted_at", "id"],
                name="referral_open_queue_idx",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("status__in", OPEN_STATUSES)),
                fields=["status", "id"],
                name="referral_open_status_idx",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("status__in", OPEN_STATUSES)),
                fields=["pathway", "submitted_at", "id"],
                name="referral_open_pathway_idx",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("status__in", OPEN_STATUSES)),
                fields=["district", "submitted_at", "id"],
                name="referral_open_district_idx",
            ),
        ),
    ]
