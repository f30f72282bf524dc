"""Loading many rows at once: COPY on PostgreSQL, batched multi-row INSERTs elsewhere (the embedded SQLite).

The one place where the inbox's bulk writes differ by database; callers pass plain tuples in column order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models

SQLITE_BATCH = 500


def bulk_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples of values for ``columns``, by attribute name) into ``model``'s table.

    Returns the number of rows written. Runs inside the caller's transaction.
    """
    if connection.vendor == "postgresql":
        return _copy(model, columns, rows)
    count = 0
    batch: list[models.Model] = []
    for row in rows:
        batch.append(model(**dict(zip(columns, row, strict=True))))
        if len(batch) >= SQLITE_BATCH:
            model._default_manager.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        model._default_manager.bulk_create(batch)
        count += len(batch)
    return count


def _copy(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    quote = connection.ops.quote_name
    db_columns = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    sql = f"COPY {quote(model._meta.db_table)} ({db_columns}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count
