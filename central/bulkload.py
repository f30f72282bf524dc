"""Loading many rows at once with PostgreSQL's ``COPY``: the inbox stages packages with it, the national
seed writes registers with it. Callers pass plain tuples in column order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column  # a concrete column, not a relation's other end
    return field.column


def bulk_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples of values for ``columns``, by attribute name) into ``model``'s table.

    Returns the number of rows written. Runs inside the caller's transaction.
    """
    quote = connection.ops.quote_name
    db_columns = ", ".join(quote(_column(model, name)) for name in columns)
    sql = f"COPY {quote(model._meta.db_table)} ({db_columns}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count
