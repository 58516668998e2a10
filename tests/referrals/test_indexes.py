"""The indexes for a million referrals: the migrations build them and take them away again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("referrals", "0004_merge_hub_and_history")
INDEXES = ("referrals", "0006_referral_open_district_pathway_index")
REFERRAL_INDEXES = {
    "referral_submitted_at_idx",
    "referral_open_queue_idx",
    "referral_open_status_idx",
    "referral_open_pathway_idx",
    "referral_open_district_idx",
    "referral_open_dist_path_idx",
}


def _indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


@pytest.mark.django_db(transaction=True)
def test_the_index_migration_applies_and_reverts():
    assert _indexes("referrals_referral") >= REFERRAL_INDEXES
    assert "follow_up_open_idx" in _indexes("referrals_followup")

    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    assert not REFERRAL_INDEXES & _indexes("referrals_referral")
    assert "follow_up_open_idx" not in _indexes("referrals_followup")

    executor = MigrationExecutor(connection)
    executor.migrate([INDEXES])
    assert _indexes("referrals_referral") >= REFERRAL_INDEXES
    assert "follow_up_open_idx" in _indexes("referrals_followup")

    # And on to the latest migrations, as the other tests expect the schema.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert "referral_waiting_due_idx" in _indexes("referrals_referral")
