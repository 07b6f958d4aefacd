"""One-row INSERTs without the ORM's compiler, for the statements every registration makes.

Model.save(force_insert=True) builds and compiles an InsertQuery each time: a few hundred
microseconds of Python for one row, as much as the database takes to write it. Eight clerks
registering at once on two cores spend their time there. `insert` writes the same row with the
same column values (each field's pre_save and get_db_prep_save, as the ORM does) from SQL built
once per model. Models without save() overrides or signal receivers only: nothing else runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Field, Model


@cache
def _insert_sql(model: type[Model], vendor: str, with_pk: bool, ignore_conflicts: bool,
                update_on: tuple[str, ...], extra: tuple[tuple[str, str], ...]) -> tuple[str, list[Field]]:
    del vendor  # part of the key: the quoting and the placeholders are the database's
    meta = model._meta
    fields = [f for f in meta.concrete_fields if with_pk or not f.primary_key]
    quote = connection.ops.quote_name
    columns = [quote(column) for column, _expression in extra] + [quote(str(f.column)) for f in fields]
    values = [expression for _column, expression in extra] + ["%s"] * len(fields)
    sql = f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) VALUES ({', '.join(values)})"  # noqa: S608
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    elif update_on:
        key = [quote(column) for column in update_on]
        sql += (f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
                + ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in key))
    if not with_pk:
        sql += f" RETURNING {quote(str(meta.pk.column))}"
    return sql, fields


def insert_sql(obj: Model, *, ignore_conflicts: bool = False, update_on: tuple[str, ...] = (),
               extra: Sequence[tuple[str, str, Sequence[Any]]] = ()) -> tuple[str, list[Any]]:
    """The INSERT of `obj` (RETURNING its new key when it has none yet) and its parameters.
    `update_on`: the columns of a unique constraint; a row already there with the same values
    is updated instead (ON CONFLICT … DO UPDATE). `extra`: (column, SQL expression, its
    parameters) for columns the model does not know (a PostgreSQL tsvector)."""
    sql, fields = _insert_sql(type(obj), connection.vendor, obj.pk is not None, ignore_conflicts, tuple(update_on),
                              tuple((column, expression) for column, expression, _params in extra))
    return sql, [*(p for _column, _expression, params in extra for p in params),
                 *(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)]


def saved(obj: Model, pk: object) -> None:
    """`obj` as save() leaves it: its key set, no longer being added."""
    if obj.pk is None:
        obj.pk = pk
    obj._state.adding, obj._state.db = False, connection.alias


def insert(obj: Model, *, ignore_conflicts: bool = False) -> bool:
    """INSERT `obj` as save(force_insert=True) would; with `ignore_conflicts`, nothing if a row
    with one of its unique values exists (ON CONFLICT DO NOTHING, both databases): returns
    whether the row was written."""
    sql, params = insert_sql(obj, ignore_conflicts=ignore_conflicts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if obj.pk is None:
            row = cursor.fetchone()
            if row is None:
                return False
            saved(obj, row[0])
            return True
        written = cursor.rowcount != 0
    if written:
        saved(obj, obj.pk)
    return written
