from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from activeportal.lib.suppression import (
    SUPPRESSED,
    Disclosure,
    percentage,
    round_to_base,
    rule_text,
    suppress_count,
    suppress_table,
    suppression_mask,
)


def test_zero_stays_zero_small_counts_are_starred_others_rounded_to_5():
    assert suppress_count(0) == 0
    assert [suppress_count(n) for n in range(1, 8)] == [SUPPRESSED] * 7
    assert suppress_count(8) == 10
    assert suppress_count(12) == 10
    assert suppress_count(13) == 15
    assert suppress_count(4694) == 4695
    assert suppress_count(None) is None


def test_threshold_and_base_come_from_settings(settings):
    settings.SUPPRESSION_THRESHOLD = 10
    settings.SUPPRESSION_ROUNDING = 10
    assert suppress_count(9) == SUPPRESSED
    assert suppress_count(14) == 10
    assert suppress_count(15) == 20


def test_the_rule_in_words_follows_the_settings(settings):
    assert rule_text() == "rounded to the nearest 5, and counts from 1 to 7 are shown as *"
    settings.SUPPRESSION_THRESHOLD = 10
    settings.SUPPRESSION_ROUNDING = 10
    assert rule_text() == "rounded to the nearest 10, and counts from 1 to 10 are shown as *"
    settings.SUPPRESSION_ROUNDING = 1
    settings.SUPPRESSION_THRESHOLD = 1
    assert rule_text() == "a count of 1 is shown as *"
    settings.SUPPRESSION_THRESHOLD = 0
    assert rule_text() == "shown as counted"


def test_percentages_come_from_the_rounded_counts():
    assert percentage(suppress_count(12), suppress_count(28)) == 33  # 10 of 30, not 12 of 28
    assert percentage(SUPPRESSED, 30) == SUPPRESSED
    assert percentage(0, 0) is None


def test_a_total_that_would_reveal_one_starred_cell_gets_a_second_cell_starred():
    table = suppress_table([[3, 20, 40]])
    assert table.cells == [[SUPPRESSED, SUPPRESSED, 40]]
    assert table.row_totals == [65]


def test_a_starred_cell_alone_beside_zeros_hides_its_total_instead():
    table = suppress_table([[3, 0], [20, 30]])
    assert table.cells[0] == [SUPPRESSED, 0]
    assert table.row_totals[0] == SUPPRESSED
    # the starred total would be revealed by the grand total, so a second total goes too
    assert table.row_totals[1] == SUPPRESSED


def test_a_year_of_only_small_cells_publishes_only_stars_and_zeros():
    table = suppress_table([[1, 2], [3, 0]])
    flat = [*table.cells[0], *table.cells[1], *table.row_totals, *table.column_totals]
    assert set(flat) <= {SUPPRESSED, 0}


def test_exact_readers_see_the_counts():
    exact = Disclosure(exact=True)
    assert exact.count(3) == 3
    assert exact.table([[3, 20]]).cells == [[3, 20]]
    assert exact.table([[3, 20]]).row_totals == [23]
    assert Disclosure().count(3) == SUPPRESSED


def _lines(rows: int, cols: int):
    """Each row and column of the table with totals, as (cells, total) positions."""
    for r in range(rows + 1):
        yield [(r, c) for c in range(cols)], (r, cols)
    for c in range(cols + 1):
        yield [(r, c) for r in range(rows)], (rows, c)


tables = st.integers(1, 5).flatmap(
    lambda cols: st.lists(
        st.lists(
            st.one_of(st.just(0), st.integers(1, 7), st.integers(8, 200)),
            min_size=cols,
            max_size=cols,
        ),
        min_size=1,
        max_size=6,
    )
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_published_cell_reveals_a_small_value_by_subtraction(cells):
    mask = suppression_mask(cells, threshold=7)
    rows, cols = len(cells), len(cells[0])
    grid = [[*row, sum(row)] for row in cells]
    grid.append([sum(row[c] for row in grid) for c in range(cols + 1)])
    for r in range(rows + 1):
        for c in range(cols + 1):
            if 1 <= grid[r][c] <= 7:
                assert mask[r][c], "a value from 1 to 7 is published"
    for members, total in _lines(rows, cols):
        if mask[total[0]][total[1]]:
            continue
        hidden = [cell for cell in members if mask[cell[0]][cell[1]]]
        # one hidden cell beside a published total could be found by subtraction
        assert len(hidden) != 1


@settings(max_examples=200, deadline=None)
@given(tables)
def test_published_cells_are_zero_a_star_or_a_multiple_of_the_base(cells):
    table = suppress_table(cells, threshold=7, base=5)
    for value in [v for row in table.cells for v in row] + table.row_totals:
        assert value == SUPPRESSED or value == 0 or (value % 5 == 0 and value >= 10)


def test_rounding_is_half_up():
    assert round_to_base(12, 5) == 10
    assert round_to_base(13, 5) == 15
    assert round_to_base(7, 1) == 7
