"""Disclosure control for published counts, after the NHS Digital rule for health statistics.

Below partnership level (a district, a pathway in a district, an organisation) every count shown
to managers or the public is published as:

* 0 stays 0 (a zero reveals nobody);
* 1 to ``SUPPRESSION_THRESHOLD`` (7) shows as ``*``;
* anything else is rounded to the nearest ``SUPPRESSION_ROUNDING`` (5);
* percentages are computed from the rounded counts;
* secondary suppression: where a row or column total is published and exactly one cell of that
  row or column is suppressed, a second cell (the smallest non-zero one, else the total itself)
  is suppressed too, so the first cannot be found by subtraction.

Hub and admin views show exact numbers: callers pass ``exact=True`` to :class:`Disclosure`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

SUPPRESSED = "*"

Published = int | str


def _threshold(threshold: int | None) -> int:
    return settings.SUPPRESSION_THRESHOLD if threshold is None else threshold


def _base(base: int | None) -> int:
    return settings.SUPPRESSION_ROUNDING if base is None else base


def round_to_base(value: int, base: int) -> int:
    """``value`` rounded to the nearest multiple of ``base``, halves upwards (12 → 10, 13 → 15)."""
    if base <= 1:
        return int(value)
    return (2 * int(value) + base) // (2 * base) * base


def is_primary(value: int, *, threshold: int | None = None) -> bool:
    """True for a count that must never be published (1 to the threshold)."""
    return 0 < value <= _threshold(threshold)


def suppress_count(
    value: int | None, *, threshold: int | None = None, base: int | None = None
) -> Published | None:
    """One count as published: 0, ``*`` or rounded to the base. None stays None."""
    if value is None:
        return None
    if value == 0:
        return 0
    if is_primary(value, threshold=threshold):
        return SUPPRESSED
    return round_to_base(value, _base(base))


def rule_text(*, threshold: int | None = None, base: int | None = None) -> str:
    """The rule in words, from the settings, for the note beside every rounded table:
    ``"rounded to the nearest 5, and counts from 1 to 7 are shown as *"``."""
    threshold, base = _threshold(threshold), _base(base)
    parts = []
    if base > 1:
        parts.append(f"rounded to the nearest {base}")
    if threshold >= 1:
        small = "a count of 1" if threshold == 1 else f"counts from 1 to {threshold}"
        parts.append(f"{small} {'is' if threshold == 1 else 'are'} shown as {SUPPRESSED}")
    return ", and ".join(parts) if parts else "shown as counted"


def percentage(numerator: Published | None, denominator: Published | None) -> int | str | None:
    """A whole percentage of two published counts; ``*`` if either is suppressed."""
    if numerator is None or denominator is None:
        return None
    if SUPPRESSED in (numerator, denominator):
        return SUPPRESSED
    if not denominator:
        return None
    share = Decimal(int(numerator)) * 100 / Decimal(int(denominator))
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class PublishedTable:
    """A table of counts as published, with its row, column and grand totals."""

    cells: list[list[Published]]
    row_totals: list[Published]
    column_totals: list[Published]
    grand_total: Published


def suppression_mask(
    cells: Sequence[Sequence[int]], *, threshold: int | None = None
) -> list[list[bool]]:
    """Which cells of the table *with totals* (one extra row and column) must be suppressed.

    The grid is ``cells`` plus a total column (last) and a total row (last). Primary suppression
    marks every value 1..threshold; secondary suppression then runs until no published total
    sits on a line with exactly one suppressed cell.
    """
    grid = _with_totals(cells)
    rows, cols = len(grid), len(grid[0])
    mask = [[is_primary(value, threshold=threshold) for value in row] for row in grid]
    lines = [[(r, c) for c in range(cols)] for r in range(rows)]
    lines += [[(r, c) for r in range(rows)] for c in range(cols)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            *members, total = line
            if mask[total[0]][total[1]]:
                continue
            hidden = [cell for cell in members if mask[cell[0]][cell[1]]]
            if len(hidden) != 1:
                continue
            shown = [cell for cell in members if not mask[cell[0]][cell[1]]]
            candidates = sorted(
                (grid[r][c], r, c) for r, c in shown if grid[r][c] > 0
            )  # a zero hides nothing: suppressing it would not protect the first cell
            r, c = (candidates[0][1], candidates[0][2]) if candidates else total
            mask[r][c] = True
            changed = True
    return mask


def suppress_table(
    cells: Sequence[Sequence[int]], *, threshold: int | None = None, base: int | None = None
) -> PublishedTable:
    """The table of counts (rows × columns, without totals) as published, totals included."""
    grid = _with_totals(cells)
    mask = suppression_mask(cells, threshold=threshold)
    out = [
        [
            SUPPRESSED if mask[r][c] else suppress_count(value, threshold=threshold, base=base)
            for c, value in enumerate(row)
        ]
        for r, row in enumerate(grid)
    ]
    return PublishedTable(
        cells=[row[:-1] for row in out[:-1]],
        row_totals=[row[-1] for row in out[:-1]],
        column_totals=out[-1][:-1],
        grand_total=out[-1][-1],
    )


def _with_totals(cells: Sequence[Sequence[int]]) -> list[list[int]]:
    rows = [[int(v) for v in row] + [sum(int(v) for v in row)] for row in cells]
    width = len(rows[0]) if rows else 1
    totals = [sum(row[c] for row in rows) for c in range(width)]
    return [*rows, totals]


@dataclass(frozen=True)
class Disclosure:
    """How numbers are shown to one reader: exactly (hub, admin, partnership level) or not."""

    exact: bool = False

    def count(self, value: int | None) -> Published | None:
        return value if self.exact else suppress_count(value)

    def share(self, numerator: int | None, denominator: int | None) -> int | str | None:
        """A whole percentage; below partnership level it is taken from the rounded counts."""
        return percentage(self.count(numerator), self.count(denominator))

    def table(self, cells: Sequence[Sequence[int]]) -> PublishedTable:
        if self.exact:
            rows = _with_totals(cells)
            return PublishedTable(
                cells=[row[:-1] for row in rows[:-1]],
                row_totals=[row[-1] for row in rows[:-1]],
                column_totals=rows[-1][:-1],
                grand_total=rows[-1][-1],
            )
        return suppress_table(cells)
