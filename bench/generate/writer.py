"""Bulk writes for the generator: rows as tuples, ids handed out in blocks, a history row beside each change.

The services are far too slow for tens of millions of rows, so the generator writes what they would have written
straight into the tables: on PostgreSQL with ``COPY … FROM STDIN`` (psycopg), on SQLite with ``executemany``.

* A :class:`Table` is one model with the fields the generator fills, in a fixed order. Rows are plain tuples in
  that order (no model instances: building ten million of those would take longer than writing them). Fields the
  generator does not name get their model default, so a field added to a model later does not break it.
* Ids are the generator's own, taken from the table's sequence in blocks (PostgreSQL) or after the largest id
  (SQLite), so rows can point at each other before any of them is written. Foreign keys are checked when the
  transaction commits (Django makes them ``DEFERRABLE INITIALLY DEFERRED``), so the order rows are written in
  does not matter.
* History: ``hist`` writes a row of the model's simple-history table (``history_date``, ``history_type``,
  ``history_user_id``, ``history_change_reason`` and the tracked fields as they were then), as
  ``save_with_history`` or ``bulk_create_with_history`` would have.
"""

from __future__ import annotations

import datetime
import json
import operator
from collections import Counter
from collections.abc import Callable

from django.db import connection, models

HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user_id")
ADD, CHANGE = "+", "~"


class Sink:
    """Where every table's rows go, and how many went."""

    def __init__(self, now: datetime.datetime, on_write: Callable[[int], None] | None = None):
        self.vendor = connection.vendor
        self.now = now
        self.on_write = on_write or (lambda rows: None)
        self.batch = 20_000 if self.vendor == "postgresql" else 2_000
        self.counts: Counter[str] = Counter()
        self.tables: dict[type[models.Model], Table] = {}
        self._type_cache: dict[tuple, list[int]] = {}
        self.keys_after = self.vendor == "postgresql" and self._superuser()

    @staticmethod
    def _superuser() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
        return bool(row and row[0])

    def table(self, model: type[models.Model], fields: tuple[str, ...]) -> Table:
        table = self.tables.get(model)
        if table is None:
            table = self.tables[model] = Table(self, model, fields)
        elif table.fields != tuple(fields):
            raise ValueError(f"{model.__name__}: declared twice with different fields")
        return table

    def flush(self) -> None:
        for table in self.tables.values():
            table.flush()

    # --- one transaction (a municipality)

    def begin(self) -> None:
        """At the start of a transaction. On PostgreSQL a lost commit after a crash only means a municipality to
        build again, so commits do not wait for the disk. As a superuser, the per-row foreign-key triggers are off
        for the transaction (``session_replication_role``): :meth:`finish` checks every key of the rows written with
        one query per key instead, which halves the time."""
        for table in self.tables.values():
            table.first_id = table.last_id = None
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
                if self.keys_after:
                    cursor.execute("SET LOCAL session_replication_role TO replica")

    def finish(self) -> None:
        """Before the commit: every row written, and every foreign key of them checked."""
        self.flush()
        if self.keys_after:
            for table in self.tables.values():
                table.check_keys()

    def analyze(self) -> None:
        """Fresh statistics for the tables written (PostgreSQL), so the planner knows how big they are now."""
        if self.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for db_table in sorted(self.counts):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(db_table)}")

    # --- the database

    def reserve(self, db_table: str, pk_column: str, count: int, after: int) -> int:
        """The first of ``count`` fresh ids for ``db_table``."""
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
                    [db_table, pk_column, db_table, pk_column, count],
                )
                return cursor.fetchone()[0] - count + 1
            cursor.execute(f"SELECT max({connection.ops.quote_name(pk_column)}) FROM "
                           f"{connection.ops.quote_name(db_table)}")
            return max((cursor.fetchone()[0] or 0) + 1, after)

    def write(self, db_table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in columns)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                # Binary COPY: the server parses no text (timestamps are most of the work otherwise).
                types = self._types(cursor, db_table, columns)
                with cursor.cursor.copy(f"COPY {quote(db_table)} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(types)
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {quote(db_table)} ({names}) VALUES ({marks})",
                    [tuple(_sqlite_value(v) for v in row) for row in rows],
                )
        self.counts[db_table] += len(rows)
        self.on_write(len(rows))

    def _types(self, cursor, db_table: str, columns: list[str]) -> list[int]:
        """The columns' type oids, read once per table."""
        key = (db_table, tuple(columns))
        types = self._type_cache.get(key)
        if types is None:
            cursor.execute(
                "SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
                [connection.ops.quote_name(db_table)],
            )
            oids = dict(cursor.fetchall())
            types = self._type_cache[key] = [oids[c] for c in columns]
        return types


def _sqlite_value(value):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class Table:
    """One model's rows (and its history's), as tuples in the order of ``fields``."""

    def __init__(self, sink: Sink, model: type[models.Model], fields: tuple[str, ...]):
        self.sink = sink
        self.model = model
        self.fields = tuple(fields)
        self.index = {name: i for i, name in enumerate(self.fields)}
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields}
        unknown = [name for name in self.fields if name not in by_attname]
        if unknown:
            raise ValueError(f"{model.__name__} has no field {', '.join(unknown)}")
        if meta.pk.attname not in self.index:
            raise ValueError(f"{model.__name__}: the generator sets the id itself")
        rest = [f for f in meta.concrete_fields if f.attname not in self.index]
        self.extra = tuple(self._default(f) for f in rest)
        self.db_table = meta.db_table
        self.pk_column = meta.pk.column
        self.columns = [by_attname[name].column for name in self.fields] + [f.column for f in rest]
        all_fields = [by_attname[name] for name in self.fields] + rest
        self.json = [i for i, f in enumerate(all_fields) if isinstance(f, models.JSONField)]
        self.rows: list[tuple] = []
        self.next_id = self.end_id = 0
        self.first_id: int | None = None  # the ids taken in the current transaction
        self.last_id: int | None = None
        self.block = 500
        self._history_setup([*self.fields, *(f.attname for f in rest)])

    def _history_setup(self, attnames: list[str]) -> None:
        history = getattr(self.model, "history", None)
        self.history_model = getattr(history, "model", None)
        self.hrows: list[tuple] = []
        if self.history_model is None:
            return
        position = {name: i for i, name in enumerate(attnames)}
        tracked, extra_fields = [], []
        for f in self.history_model._meta.concrete_fields:
            if f.attname == "history_id" or f.attname in HISTORY_COLUMNS:
                continue
            (tracked if f.attname in position else extra_fields).append(f)
        self.history_columns = [f.column for f in tracked] + list(HISTORY_COLUMNS) + [f.column for f in extra_fields]
        self.history_json = [i for i, f in enumerate(tracked) if isinstance(f, models.JSONField)]
        self.history_extra = tuple(self._default(f) for f in extra_fields)
        self._pick = operator.itemgetter(*(position[f.attname] for f in tracked))
        self.history_table = self.history_model._meta.db_table

    def _default(self, field: models.Field):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.sink.now
        if field.has_default():
            value = field.get_default()
            return value
        if field.null:
            return None
        if isinstance(field, (models.CharField, models.TextField)):
            return ""
        raise ValueError(f"{self.model.__name__}.{field.attname}: the generator must set it (no default)")

    # --- rows

    def new_id(self) -> int:
        if self.next_id >= self.end_id:
            self.block = min(self.block * 2, 100_000)
            self.next_id = self.sink.reserve(self.db_table, self.pk_column, self.block, self.next_id)
            self.end_id = self.next_id + self.block
        new = self.next_id
        self.next_id += 1
        if self.first_id is None:
            self.first_id = new
        self.last_id = new
        return new

    def check_keys(self) -> None:
        """Every foreign key of the rows taken in this transaction points at a row (one anti-join per key)."""
        if self.first_id is None:
            return
        quote = connection.ops.quote_name
        for field in self.model._meta.concrete_fields:
            if not field.is_relation or not field.db_constraint:
                continue
            parent = field.related_model._meta
            sql = (f"SELECT c.{quote(self.pk_column)}, c.{quote(field.column)} FROM {quote(self.db_table)} c "
                   f"LEFT JOIN {quote(parent.db_table)} p ON p.{quote(field.target_field.column)} = c.{quote(field.column)} "
                   f"WHERE c.{quote(self.pk_column)} BETWEEN %s AND %s AND c.{quote(field.column)} IS NOT NULL "
                   f"AND p.{quote(field.target_field.column)} IS NULL LIMIT 1")
            with connection.cursor() as cursor:
                cursor.execute(sql, [self.first_id, self.last_id])
                broken = cursor.fetchone()
            if broken:
                raise ValueError(f"{self.model.__name__} {broken[0]}: {field.name} = {broken[1]} finnes ikke")

    def put(self, values: tuple) -> None:
        self.rows.append(values + self.extra)
        if len(self.rows) >= self.sink.batch:
            self.flush()

    def hist(self, values: tuple, when: datetime.datetime, user_id: int | None, reason: str | None,
             kind: str = CHANGE) -> None:
        """A history row for the object as ``values`` (a version of it), changed ``when`` by ``user_id``."""
        self.hrows.append(self._pick(values + self.extra) + (when, reason, kind, user_id) + self.history_extra)
        if len(self.hrows) >= self.sink.batch:
            self.flush()

    def add(self, values: tuple, when: datetime.datetime, user_id: int | None, reason: str | None) -> None:
        """The object as it is now, created ``when`` by ``user_id`` and not changed since."""
        self.put(values)
        self.hist(values, when, user_id, reason, ADD)

    def record(self, versions: list[tuple[tuple, datetime.datetime, int | None, str | None]]) -> None:
        """An object with its history: each version as ``(values, when, user_id, reason)``, the first its
        creation. The row written is the last version."""
        self.put(versions[-1][0])
        for i, (values, when, user_id, reason) in enumerate(versions):
            self.hist(values, when, user_id, reason, CHANGE if i else ADD)

    def version(self, values: tuple, **changes) -> tuple:
        """``values`` with some fields changed: an earlier (or later) version of the same object."""
        row = list(values)
        for name, value in changes.items():
            row[self.index[name]] = value
        return tuple(row)

    def flush(self) -> None:
        rows, self.rows = self.rows, []
        self.sink.write(self.db_table, self.columns, self._json(rows, self.json))
        if self.history_model is not None:
            hrows, self.hrows = self.hrows, []
            self.sink.write(self.history_table, self.history_columns, self._json(hrows, self.history_json))

    def _json(self, rows: list[tuple], positions: list[int]) -> list[tuple]:
        """JSON fields are given as Python values: ``Jsonb`` for a binary COPY, text for SQLite."""
        if not positions or not rows:
            return rows
        if self.sink.vendor == "postgresql":
            from psycopg.types.json import Jsonb

            wrap = Jsonb
        else:
            wrap = json.dumps
        out = []
        for row in rows:
            row = list(row)
            for i in positions:
                if row[i] is not None:
                    row[i] = wrap(row[i])
            out.append(tuple(row))
        return out
