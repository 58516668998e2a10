"""How generate_synthetic writes its batches: COPY on PostgreSQL, bulk_create elsewhere.

A batch is anything with ``referrals``, ``status_changes`` and ``follow_ups`` data frames
whose columns are the tables' columns.
"""

from __future__ import annotations

import io
import json
import queue
import threading

import numpy as np
import pandas as pd
from django.db import connection

from referrals.models import FollowUp, PostcodeLookup, Referral, StatusChange

TABLES = [
    Referral._meta.db_table,
    StatusChange._meta.db_table,
    FollowUp._meta.db_table,
    PostcodeLookup._meta.db_table,
]


class PostgresWriter:
    """COPY each batch in a thread of its own, so the next batch is drawn while the server
    stores this one (two cores: Python in one, PostgreSQL in the other). At most one batch
    waits in the queue, so memory stays bounded.
    """

    def __init__(self) -> None:
        connection.ensure_connection()
        self._raw = connection.connection  # the transaction's psycopg connection
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="synthetic-copy", daemon=True)
        self._thread.start()

    def write(self, batch) -> None:
        for model, frame in (
            (Referral, batch.referrals),
            (StatusChange, batch.status_changes),
            (FollowUp, batch.follow_ups),
        ):
            if not frame.empty:
                self._put((_copy_sql(model, frame), _csv(frame)))

    def close(self) -> None:
        """Wait for the last COPY; raise its error, if any."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error

    def _put(self, item) -> None:
        while True:
            if self._error is not None:
                raise self._error
            try:
                self._queue.put(item, timeout=1)
                return
            except queue.Full:
                continue

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain: the main thread raises the error
            sql, text = item
            try:
                with self._raw.cursor() as cursor, cursor.copy(sql) as copy:
                    copy.write(text)
            except BaseException as error:  # handed to the main thread
                self._error = error


def _copy_sql(model, frame: pd.DataFrame) -> str:
    """COPY in CSV, where an empty value is NULL except in the NOT NULL text columns."""
    fields = {f.column: f for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    keep_empty = [
        quote(c)
        for c in frame.columns
        if not fields[c].null and fields[c].get_internal_type() in ("CharField", "TextField")
    ]
    options = "FORMAT csv" + (f", FORCE_NOT_NULL ({', '.join(keep_empty)})" if keep_empty else "")
    columns = ", ".join(quote(c) for c in frame.columns)
    return f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN WITH ({options})"


def _csv(frame: pd.DataFrame) -> str:
    """The frame as CSV; dates and times formatted by numpy (pandas is slow at it)."""
    frame = frame.copy()
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            values = column.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
            text = np.strings.add(np.datetime_as_string(values, unit="s"), "+00")
        elif pd.api.types.is_datetime64_dtype(column.dtype):
            values = column.to_numpy().astype("datetime64[D]")
            text = np.datetime_as_string(values, unit="D")
        else:
            continue
        frame[name] = np.where(np.isnat(values), "", text)
    buffer = io.StringIO()
    frame.to_csv(buffer, header=False, index=False)
    return buffer.getvalue()


class OrmWriter:
    """bulk_create each batch (SQLite and other databases)."""

    def close(self) -> None:
        pass

    def write(self, batch) -> None:
        for model, frame in (
            (Referral, batch.referrals),
            (StatusChange, batch.status_changes),
            (FollowUp, batch.follow_ups),
        ):
            model.objects.bulk_create(_instances(model, frame), batch_size=2000)


def _instances(model, frame: pd.DataFrame) -> list:
    frame = frame.copy()
    for name in frame.columns:
        field_ = model._meta.get_field(name.removesuffix("_id") if name != "id" else "id")
        kind = field_.get_internal_type()
        if kind == "DateField":
            frame[name] = pd.to_datetime(frame[name]).dt.date
        elif kind == "DateTimeField":
            frame[name] = pd.Series(frame[name].dt.to_pydatetime(), dtype=object)
        elif kind == "JSONField":
            frame[name] = frame[name].map(json.loads)
    frame = frame.astype(object).where(frame.notna(), None)
    return [model(**row) for row in frame.to_dict("records")]


# PostgreSQL housekeeping.


def lock_tables() -> None:
    """No other writer between reading the highest ids and resetting the sequences."""
    tables = ", ".join(connection.ops.quote_name(t) for t in TABLES[:3])
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
        # Check foreign keys as each COPY ends, not all at commit (a long queue of events).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def reset_sequences() -> None:
    with connection.cursor() as cursor:
        for table in TABLES[:3]:
            quoted = connection.ops.quote_name(table)  # our own table names, not input
            highest = f"SELECT COALESCE(MAX(id), 1) FROM {quoted}"  # noqa: S608
            cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({highest}))", [table])
