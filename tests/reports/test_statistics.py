"""The statistics on small hand-made frames: no database."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from referrals.models import activity_level
from reports import statistics as st

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")


def ref(
    pk,
    when,
    *,
    org=1,
    pathway="general",
    district=1,
    decile=None,
    minutes=10,
    status="submitted",
    onto=None,
    disability=None,
    ltc=None,
):
    return (pk, when, org, pathway, district, decile, minutes, status, onto, disability, ltc or [])


def fup(pk, referral, completed, minutes, life=None):
    return (pk, referral, completed, minutes, life)


def june(day=1, year=2024):
    return datetime(year, 6, day, 12, tzinfo=LONDON)


def figures(refs, fups=(), *, year=2024, district=None):
    """The snapshot figures of ``year`` for the partnership (or one district)."""
    districts = [] if district is None else [district]
    stats = st.snapshot_figures(
        st.referral_frame(refs), st.follow_up_frame(list(fups)), years=[year], districts=districts
    )
    return stats[(year, district)]


def test_an_empty_year_has_zero_counts_and_no_share():
    result = figures([])
    assert result["referrals"] == 0
    assert result["organisations"] == 0
    assert result["deprived_share"] is None
    assert result["onto_activity"] == 0
    assert result["transitions"]["people"] == 0
    assert result["transitions"]["life_satisfaction"] == {"people": 0, "change": 0.0}
    assert result["by_month"]["rows"]["general"] == [0] * 12
    assert result["by_district"] == []
    assert result["to_date"]["referrals"] == 0


def test_referrals_organisations_and_pathways_count_only_the_year():
    result = figures(
        [
            ref(1, june(), org=1, pathway="falls"),
            ref(2, june(), org=1),
            ref(3, june(), org=2, pathway="smi"),
            ref(4, june(year=2023), org=3),
            ref(5, june(year=2025), org=4),
        ]
    )
    assert result["referrals"] == 3
    assert result["organisations"] == 2
    assert result["pathways"] == {"general": 1, "falls": 1, "smi": 1}
    assert result["to_date"]["referrals"] == 4
    assert result["to_date"]["organisations"] == 3


def test_the_financial_year_turns_at_midnight_on_1_april_london_time():
    last_minute = datetime(2025, 3, 31, 23, 59, tzinfo=LONDON)
    first_minute = datetime(2025, 4, 1, 0, 1, tzinfo=LONDON)  # 23:01 UTC on 31 March (BST)
    refs = st.referral_frame([ref(1, last_minute), ref(2, first_minute.astimezone(UTC))])
    assert list(refs["fy"]) == [2024, 2025]
    assert list(refs["month"]) == [3, 4]
    rows = [ref(1, last_minute), ref(2, first_minute.astimezone(UTC))]
    assert figures(rows, year=2024)["by_month"]["rows"]["general"][-1] == 1
    assert figures(rows, year=2025)["by_month"]["rows"]["general"][0] == 1


def test_deprived_share_is_of_known_deciles_only_rounded_half_up():
    result = figures(
        [
            ref(1, june(), decile=1),
            ref(2, june(), decile=4),
            ref(3, june(), decile=5),
            ref(4, june(), decile=None),
            ref(5, june(), decile=None),
        ]
    )
    assert result["decile_known"] == 3
    assert result["deprived"] == 2
    assert result["deprived_share"] == 67
    assert result["deciles"]["unknown"] == 2
    assert result["deciles"]["4"] == 1
    assert st.whole_percent(1, 8) == 13  # 12.5 rounds up
    assert st.whole_percent(44, 100) == 44


def test_unknown_deciles_only_give_no_share():
    assert figures([ref(1, june()), ref(2, june())])["deprived_share"] is None


def test_onto_activity_is_the_status_or_the_imported_flag():
    result = figures(
        [
            ref(1, june(), status="matched"),
            ref(2, june(), status="active"),
            ref(3, june(), status="completed"),
            ref(4, june(), status="declined", onto=True),
            ref(5, june(), status="triaged", onto=False),
            ref(6, june(), status="withdrawn"),
        ]
    )
    assert result["onto_activity"] == 4


def test_baseline_levels_use_the_active_lives_bands():
    result = figures(
        [
            ref(1, june(), minutes=29),
            ref(2, june(), minutes=30),
            ref(3, june(), minutes=149),
            ref(4, june(), minutes=150),
            ref(5, june(), minutes=None),
        ]
    )
    assert result["baseline_levels"] == {
        "inactive": 1,
        "fairly_active": 2,
        "active": 1,
        "unknown": 1,
    }


def test_transitions_use_the_latest_completed_follow_up_with_minutes():
    refs = [
        ref(1, june(), minutes=0),  # inactive → active (latest), earlier fairly active
        ref(2, june(), minutes=60),  # fairly active → inactive
        ref(3, june(), minutes=0),  # no follow-up: not in the matrix
        ref(4, june(), minutes=0),  # follow-up not completed: not in the matrix
        ref(5, june(), minutes=None),  # baseline not known: not in the matrix
        ref(6, june(), minutes=0),  # latest completed has no minutes: the earlier one counts
    ]
    fups = [
        fup(1, 1, date(2024, 7, 1), 40),
        fup(2, 1, date(2024, 9, 1), 200),
        fup(3, 2, date(2024, 9, 1), 5),
        fup(4, 4, None, 300),
        fup(5, 5, date(2024, 9, 1), 300),
        fup(6, 6, date(2024, 7, 1), 45),
        fup(7, 6, date(2024, 9, 1), None),
    ]
    result = figures(refs, fups)["transitions"]
    assert result["people"] == 3
    assert result["matrix"]["inactive"]["active"] == 1
    assert result["matrix"]["fairly_active"]["inactive"] == 1
    assert result["matrix"]["inactive"]["fairly_active"] == 1
    assert sum(sum(row.values()) for row in result["matrix"].values()) == 3


def test_a_referral_with_no_follow_up_counts_in_referrals_but_not_in_transitions():
    result = figures([ref(1, june())])
    assert result["referrals"] == 1
    assert result["transitions"]["people"] == 0


def test_programme_to_date_transitions_include_earlier_years_but_not_later_ones():
    refs = [ref(1, june(year=2023)), ref(2, june()), ref(3, june(year=2025))]
    fups = [
        fup(1, 1, date(2023, 9, 1), 200),
        fup(2, 2, date(2024, 9, 1), 200),
        fup(3, 3, date(2025, 9, 1), 200),
    ]
    result = figures(refs, fups)
    assert result["transitions"]["people"] == 1
    assert result["to_date"]["transitions"]["people"] == 2
    assert result["to_date"]["referrals"] == 2


def test_inactive_to_active_with_a_condition_is_counted_for_the_social_value():
    refs = [ref(1, june(), ltc=["diabetes"]), ref(2, june(), disability=True), ref(3, june())]
    fups = [fup(i, i, date(2024, 9, 1), 200) for i in (1, 2, 3)]
    assert figures(refs, fups)["transitions"]["inactive_to_active_with_condition"] == 2


def test_life_satisfaction_change_is_first_to_latest_rating():
    refs = [ref(1, june()), ref(2, june())]
    fups = [
        fup(1, 1, date(2024, 7, 1), 10, 4),
        fup(2, 1, date(2024, 9, 1), 200, 7),
        fup(3, 2, date(2024, 9, 1), 200, 6),
    ]
    rated = figures(refs, fups)["transitions"]["life_satisfaction"]
    assert rated == {"people": 1, "change": 3.0}


def test_breakdowns_by_district_and_pathway_include_an_unknown_row():
    refs = [
        ref(1, june(), district=1),
        ref(2, june(), district=2, pathway="falls"),
        ref(3, june(), district=None),
        ref(4, june(), district=10),
    ]
    fups = [fup(1, 1, date(2024, 9, 1), 200)]
    result = figures(refs, fups)
    by_district = result["by_district"]
    assert [row["key"] for row in by_district] == [1, 10, 2, None]  # as the keys' text sorts
    assert [row["referrals"] for row in by_district] == [1, 1, 1, 1]
    assert by_district[0]["transitions"]["inactive"]["active"] == 1
    by_pathway = {row["key"]: row["referrals"] for row in result["by_pathway"]}
    assert by_pathway == {"falls": 1, "general": 3}


def test_a_district_snapshot_reads_only_its_own_referrals():
    refs = [
        ref(1, june(), district=1, org=1),
        ref(2, june(year=2023), district=1, org=2),
        ref(3, june(), district=2, org=3, pathway="falls"),
    ]
    result = figures(refs, district=1)
    assert result["referrals"] == 1
    assert result["organisations"] == 1
    assert result["to_date"]["organisations"] == 2
    assert [row["key"] for row in result["by_district"]] == [1]
    assert [row["key"] for row in result["by_pathway"]] == ["general"]
    assert figures(refs, district=7)["referrals"] == 0  # a district with no referrals


def test_months_run_april_to_march():
    months = figures([])["by_month"]["months"]
    assert months[0] == "2024-04"
    assert months[-1] == "2025-03"


def test_levels_agree_with_the_active_lives_bands_of_the_model():
    minutes = [None, *range(0, 400)]
    expected = [-1 if m is None else st.LEVELS.index(activity_level(m)) for m in minutes]
    assert list(st.level_codes(minutes)) == expected
