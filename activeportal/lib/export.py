"""Table downloads (CSV and XLSX) built with tablib, for every list page's "Download"."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import tablib
from django.http import HttpResponse

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def table_download(
    *, filename: str, headers: Sequence[str], rows: Iterable[Sequence], fmt: str = "csv"
) -> HttpResponse:
    """An attachment response holding ``rows`` under ``headers`` as CSV or XLSX."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown download format {fmt!r}")
    data = tablib.Dataset(headers=list(headers))
    for row in rows:
        data.append([_cell(value) for value in row])
    body = data.export(fmt)
    if fmt == "csv":
        body = "\ufeff" + body  # a byte-order mark so Excel reads UTF-8 (£, accents)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _cell(value):
    # Spreadsheet programs run cells that start with = + - @ as formulas: neutralise them.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
