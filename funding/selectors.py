from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from activeportal.lib.fy import fy_current
from districts.models import District, Partner

from .models import Allocation, FundingStream, ImportBatch

ZERO = Decimal("0.00")  # sums come back with pence on PostgreSQL; keep SQLite the same


def district_totals_for_year(*, financial_year: int) -> list[dict]:
    """Money into each district in the year (withdrawn allocations excluded), by name."""
    counted = ~Q(allocations__status=Allocation.Status.WITHDRAWN) & Q(
        allocations__financial_year=financial_year
    )
    rows = (
        District.objects.filter(is_active=True)
        .annotate(total=Sum("allocations__amount", filter=counted))
        .order_by("name")
        .values("name", "ons_code", "population", "total")
    )
    return [{**row, "total": row["total"] or Decimal("0")} for row in rows]


def allocation_years() -> list[int]:
    """Financial years that have allocations, newest first."""
    return list(
        Allocation.objects.order_by("-financial_year")
        .values_list("financial_year", flat=True)
        .distinct()
    )


def stream_list() -> QuerySet[FundingStream]:
    """Every funding stream, active first, with how many allocations each has."""
    return FundingStream.objects.annotate(allocation_count=Count("allocations")).order_by(
        "-is_active", "name"
    )


def allocation_list() -> QuerySet[Allocation]:
    """Every allocation with its stream, district and recipient (for lists and downloads)."""
    return Allocation.objects.select_related("stream", "district", "recipient").order_by(
        "-financial_year", "district__name", "stream__name", "pk"
    )


def dashboard_years() -> list[int]:
    """The years a dashboard can show: those with allocations, or the current one."""
    return allocation_years() or [fy_current()]


@dataclass
class DistrictFigures:
    pk: int
    name: str
    ons_code: str
    population: int
    total: Decimal = Decimal("0.00")
    previous: Decimal = Decimal("0.00")
    by_stream: dict[str, Decimal] = field(default_factory=dict)

    @property
    def per_resident(self) -> Decimal | None:
        if not self.population:
            return None
        return (self.total / self.population).quantize(Decimal("0.01"))

    @property
    def change(self) -> Decimal:
        return self.total - self.previous

    @property
    def change_percent(self) -> Decimal | None:
        return percent_change(self.previous, self.total)


def percent_change(previous: Decimal, current: Decimal) -> Decimal | None:
    """The change from ``previous`` to ``current`` in per cent, to one place; None when there
    was nothing the year before, as a rise from £0 has no percentage."""
    if not previous:
        return None
    return ((current - previous) * 100 / previous).quantize(Decimal("0.1"))


@dataclass
class FundingFigures:
    financial_year: int
    districts: list[DistrictFigures]
    streams: list[str]
    stream_totals: dict[str, Decimal]
    stream_ids: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((d.total for d in self.districts), ZERO)

    @property
    def previous_total(self) -> Decimal:
        return sum((d.previous for d in self.districts), ZERO)

    @property
    def change(self) -> Decimal:
        return self.total - self.previous_total

    @property
    def change_percent(self) -> Decimal | None:
        return percent_change(self.previous_total, self.total)


def funding_figures(*, financial_year: int) -> FundingFigures:
    """Money into each active district in the year, by stream, and the year before.

    Withdrawn allocations are left out. Two queries, however many allocations there are. Each
    stream comes with its id, so a chart can give it the same colour in every year.
    """
    districts = {
        d.pk: DistrictFigures(pk=d.pk, name=d.name, ons_code=d.ons_code, population=d.population)
        for d in District.objects.filter(is_active=True).order_by("name")
    }
    sums = (
        Allocation.objects.filter(
            financial_year__in=[financial_year, financial_year - 1], district__in=districts.keys()
        )
        .exclude(status=Allocation.Status.WITHDRAWN)
        .values("financial_year", "district_id", "stream_id", "stream__name")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    stream_totals: dict[str, Decimal] = {}
    stream_ids: dict[str, int] = {}
    for row in sums:
        district = districts[row["district_id"]]
        if row["financial_year"] != financial_year:
            district.previous += row["total"]
            continue
        name = row["stream__name"]
        district.total += row["total"]
        district.by_stream[name] = district.by_stream.get(name, ZERO) + row["total"]
        stream_totals[name] = stream_totals.get(name, ZERO) + row["total"]
        stream_ids[name] = row["stream_id"]
    return FundingFigures(
        financial_year=financial_year,
        districts=list(districts.values()),
        streams=sorted(stream_totals),
        stream_totals={name: stream_totals[name] for name in sorted(stream_totals)},
        stream_ids=stream_ids,
    )


def open_data_allocations(*, financial_year: int) -> QuerySet[Allocation]:
    """The year's grants to publish as open data: awarded or paid, never planned or withdrawn."""
    return (
        Allocation.objects.filter(
            financial_year=financial_year,
            status__in=[Allocation.Status.AWARDED, Allocation.Status.PAID],
        )
        .select_related("stream", "district", "recipient")
        .order_by("district__name", "stream__name", "pk")
    )


def import_batch_summary(*, batch: ImportBatch) -> list[dict]:
    """Per district: how many rows and how much money a previewed file would import."""
    names = dict(District.objects.values_list("pk", "name"))
    totals: dict[int, dict] = {}
    for row in batch.rows:
        entry = totals.setdefault(
            row["district"], {"district": names.get(row["district"], "?"), "rows": 0}
        )
        entry["rows"] += 1
        entry["total"] = entry.get("total", Decimal("0")) + Decimal(row["amount"])
    return sorted(totals.values(), key=lambda entry: entry["district"])


def import_preview_rows(*, batch: ImportBatch, limit: int = 100) -> list[dict]:
    """The first rows of a previewed file, with names in place of ids, for the preview table."""
    districts = dict(District.objects.values_list("pk", "name"))
    streams = dict(FundingStream.objects.values_list("pk", "name"))
    partners = dict(
        Partner.objects.filter(
            pk__in={row["recipient"] for row in batch.rows[:limit] if row["recipient"]}
        ).values_list("pk", "name")
    )
    return [
        {
            **row,
            "district": districts.get(row["district"], "?"),
            "stream": streams.get(row["stream"], "?"),
            "recipient": partners.get(row["recipient"], ""),
            "amount": Decimal(row["amount"]),
            "status": Allocation.Status(row["status"]).label,
        }
        for row in batch.rows[:limit]
    ]


def import_earlier(*, batch: ImportBatch) -> ImportBatch | None:
    """The earlier import of the same file, if this file was imported before."""
    return (
        ImportBatch.objects.filter(sha256=batch.sha256, status=ImportBatch.Status.IMPORTED)
        .exclude(pk=batch.pk)
        .first()
    )
