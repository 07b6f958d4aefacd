"""One-row INSERTs and UPDATEs without the ORM's compiler, and reads compiled once (Read), for the
statements every registration makes.

Model.save(force_insert=True) builds and compiles an InsertQuery each time: a few hundred
microseconds of Python for one row, as much as the database takes to write it. Eight clerks
registering at once on two cores spend their time there. `insert` writes the same row with the
same column values (each field's pre_save and get_db_prep_save, as the ORM does) from SQL built
once per model. Models without save() overrides or signal receivers only: nothing else runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Field, Model, QuerySet
from django.db.models.query import ValuesIterable


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


@cache
def _insert_many_sql(model: type[Model], vendor: str, count: int, ignore_conflicts: bool) -> tuple[str, list[Field]]:
    del vendor
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(str(f.column)) for f in fields)}) "  # noqa: S608
           f"VALUES {', '.join([one] * count)}")
    return sql + (" ON CONFLICT DO NOTHING" if ignore_conflicts else ""), fields


def insert_many(objs: Sequence[Model], *, ignore_conflicts: bool = False) -> None:
    """INSERT a few new rows in one statement, as bulk_create(objs, ignore_conflicts=…) would but
    from SQL built once per model and number of rows (up to 8; more go through bulk_create). The
    objects' keys are not read back: for rows nobody refers to by key in the same breath (access
    rows, a document's files)."""
    if not objs:
        return
    model = type(objs[0])
    if len(objs) > 8 or any(obj.pk is not None for obj in objs):
        model._default_manager.bulk_create(objs, ignore_conflicts=ignore_conflicts)
        return
    sql, fields = _insert_many_sql(model, connection.vendor, len(objs), ignore_conflicts)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias


@cache
def _update_sql(model: type[Model], vendor: str, names: tuple[str, ...]) -> tuple[str, list[Field]]:
    del vendor
    meta = model._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in names]
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)  # type: ignore[union-attr]
    return (f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(str(meta.pk.column))} = %s",  # noqa: S608
            fields)  # type: ignore[return-value]


def update(obj: Model, fields: Sequence[str]) -> int:
    """UPDATE these fields of `obj` as save(update_fields=…) would (each field's pre_save, so an
    auto_now field named is set), from SQL built once per model and fields. Returns the rows
    changed (0: the row is gone)."""
    sql, model_fields = _update_sql(type(obj), connection.vendor, tuple(fields))
    params = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in model_fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, obj.pk])
        return cursor.rowcount


@cache
def _add_sql(model: type[Model], vendor: str, column: str, names: tuple[str, ...]) -> tuple[str, list[Field]]:
    del vendor
    meta = model._meta
    quote = connection.ops.quote_name
    counter = quote(str(meta.get_field(column).column))  # type: ignore[union-attr]
    fields = [meta.get_field(name) for name in names]
    where = " AND ".join(f"{quote(str(f.column))} = %s" for f in fields)  # type: ignore[union-attr]
    return f"UPDATE {quote(meta.db_table)} SET {counter} = {counter} + %s WHERE {where}", fields  # type: ignore[return-value]  # noqa: S608, E501


def add_to(model: type[Model], column: str, delta: int, **key: Any) -> int:
    """`filter(**key).update(column=F(column) + delta)`, from SQL built once: the tallies every
    registration moves. Returns the rows changed."""
    names = tuple(sorted(key))
    sql, fields = _add_sql(model, connection.vendor, column, names)
    params = [f.get_db_prep_value(key[name], connection, prepared=False) for f, name in zip(fields, names, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [delta, *params])
        return cursor.rowcount


class Read:
    """A SELECT built by the ORM once per process and database, then run with new parameters.

    Building and compiling a queryset costs as much Python as the database takes to answer a read
    by key, again at every call; the reads every registration makes are made this way instead.
    `build` takes one placeholder per parameter (`kinds`: int, str, or list for a list of ints
    given to `__in`) and returns the queryset (ending in values_list() or values()); its SQL is
    kept with the placeholders' positions (per length of each list, up to LONGEST), and each call
    fills them in and converts the values as the ORM would (dates on SQLite, JSON). A parameter the
    queryset does not pass to the database as it is (an expression on it) is refused at the first
    call."""

    _INT_BASE = -7_263_000_001  # no key or count is ever this
    LONGEST = 8  # a longer list is read by the ORM: the SQL of each length would be kept

    def __init__(self, build: Callable[..., QuerySet[Any]], *kinds: type) -> None:
        self.build, self.kinds = build, kinds
        self._compiled: dict[tuple[Any, ...], tuple[str, list[Any], list[int | None], Any, Any, list[str] | None]] = {}

    def _compile(self, key: tuple[Any, ...], lengths: list[int]) -> Any:
        counter = iter(range(10_000))
        arguments: list[Any] = []
        for kind, length in zip(self.kinds, lengths, strict=True):
            if kind is list:
                arguments.append([self._INT_BASE - next(counter) for _ in range(length)])
            elif kind is int:
                arguments.append(self._INT_BASE - next(counter))
            else:
                arguments.append(f"\x1f{next(counter)}\x1f")
        flat = [p for a in arguments for p in (a if isinstance(a, list) else [a])]
        queryset = self.build(*arguments)
        compiler = queryset.query.get_compiler(connection.alias)
        sql, params = compiler.as_sql()
        slots = [flat.index(p) if p in flat else None for p in params]
        if sorted(s for s in slots if s is not None) != list(range(len(flat))):
            raise ValueError("rows.Read: each parameter must reach the SQL once, as it is")
        converters = compiler.get_converters([s[0] for s in compiler.select[0:compiler.col_count]])
        names = None
        if queryset._iterable_class is ValuesIterable:
            query = queryset.query
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
        self._compiled[key] = compiled = (sql, list(params), slots, compiler, converters, names)
        return compiled

    def _run(self, args: tuple[Any, ...]) -> tuple[list[tuple[Any, ...]], list[str] | None]:
        args = tuple(list(dict.fromkeys(a)) if kind is list else a for kind, a in zip(self.kinds, args, strict=True))
        lengths = [len(a) if kind is list else 0 for kind, a in zip(self.kinds, args, strict=True)]
        if any(kind is list and not n for kind, n in zip(self.kinds, lengths, strict=True)):
            return [], []  # `__in` an empty list: nothing (the ORM would not ask either)
        if max(lengths, default=0) > self.LONGEST:  # rare: the ORM, not one more SQL kept per length
            queryset = self.build(*args)
            found = list(queryset)
            if queryset._iterable_class is ValuesIterable:
                return [tuple(row.values()) for row in found], list(found[0]) if found else []
            return found, None
        key = (connection.vendor, *lengths)
        sql, params, slots, compiler, converters, names = self._compiled.get(key) or self._compile(key, lengths)
        flat = [p for a in args for p in (a if isinstance(a, list) else [a])]
        values = [params[i] if slot is None else flat[slot] for i, slot in enumerate(slots)]
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            found = cursor.fetchall()
        if converters and found:
            found = [tuple(row) for row in compiler.apply_converters(found, converters)]
        return found, names

    def rows(self, *args: Any) -> list[tuple[Any, ...]]:
        """The rows, as values_list() gives them."""
        return self._run(args)[0]

    def dicts(self, *args: Any) -> list[dict[str, Any]]:
        """The rows as dicts, as values() gives them."""
        rows, names = self._run(args)
        assert names is not None, "rows.Read.dicts: the queryset must end in values()"
        return [dict(zip(names, row, strict=True)) for row in rows]

    def objects(self, model: type[Model], *args: Any) -> list[Any]:
        """Model instances, from a queryset ending in values_list(*attnames(model))."""
        return [model.from_db(connection.alias, attnames(model), row) for row in self.rows(*args)]


def attnames(model: type[Model]) -> list[str]:
    """The columns of a model's instance, for Read.objects."""
    return [f.attname for f in model._meta.concrete_fields]
