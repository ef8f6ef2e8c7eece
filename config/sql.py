"""Hand-written SELECTs for the few reads on the hot paths of every request.

For a small query, Django spends longer compiling a queryset than the database spends running
it: `GET me/stats/`'s one query took 3.4 ms to build and compile and 0.8 ms to run, and the
token's session lookup 1.4 ms for a 0.2 ms query (in-process, `DEBUG=false`, this project's
2-core machine class; see README, "Benchmarks"). A `Select` is written once, names its tables and
columns through the models (`table`, `column`), and reads each column back through the ORM's own
converters for the model field it comes from, so it gives what the queryset gave on SQLite
(whose dates arrive as text) and PostgreSQL alike.

On PostgreSQL a `Select` is also a prepared statement (`DATABASE_PREPARED_STATEMENTS`): each
connection parses and plans it once, where Django's client-side binding has PostgreSQL plan it
on every request (0.54 ms of the database's CPU for the stats query against 0.11 ms prepared).
Only these statements are prepared, not the ORM's: a prepared statement soon runs on a generic
plan, made without the parameters' values, and for a query whose best plan depends on them that
is a trap (preparing every statement made `GET feed/` following 1,000 people four times as
slow). A `Select` is a lookup by a key, whose plan is the same whatever the key.

Reach for it only where a profile shows the compilation; everywhere else the ORM is clearer.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import NOT_PROVIDED, Field, Model
from django.db.models.signals import post_save, pre_save


class _PreparingCursor(ServerBindingCursor):
    """Binds parameters on the server and prepares the statement on its first run (Django keeps
    psycopg from preparing anything by itself: `prepare_threshold` None)."""

    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)


# The largest id a bigint column holds: a larger one from a URL names no row (and SQLite's driver
# cannot even bind it), so callers answer 404 before asking.
BIGINT_MAX = 2**63 - 1


def _connection():
    return connections[DEFAULT_DB_ALIAS]


def quote(name: str) -> str:
    return _connection().ops.quote_name(name)


def table(model: type[Model]) -> str:
    return quote(model._meta.db_table)


def column(model: type[Model], name: str, *, alias: str) -> str:
    """`alias`."column" of the model's field `name` (a foreign key by its name: its `_id`)."""
    return f"{alias}.{quote(model._meta.get_field(name).column)}"


class Select:
    """One SELECT and the model field each of its columns holds (None: a computed column, such
    as a count, read as the database gives it)."""

    def __init__(self, sql: str, fields: Sequence[Field | None]):
        self.sql = sql
        self.fields = tuple(fields)

    @cached_property
    def _converters(self) -> list[tuple[int, list, Any]]:
        connection = _connection()
        found = []
        for index, field in enumerate(self.fields):
            if field is None:
                continue
            expression = field.get_col(field.model._meta.db_table)
            converters = connection.ops.get_db_converters(
                expression
            ) + expression.get_db_converters(connection)
            if converters:
                found.append((index, converters, expression))
        return found

    def one(self, params: Sequence[Any]) -> tuple | None:
        """The first row for `params` (None without one), its columns converted."""
        connection = _connection()
        row = _run(connection, self.sql, params, _fetchone)
        return None if row is None else self._converted(connection, row)

    def all(self, params: Sequence[Any]) -> list[tuple]:
        """Every row for `params`, its columns converted."""
        connection = _connection()
        rows = _run(connection, self.sql, params, _fetchall)
        if not self._converters:
            return rows
        return [self._converted(connection, row) for row in rows]

    def _converted(self, connection, row: tuple) -> tuple:
        if not self._converters:
            return row
        values = list(row)
        for index, converters, expression in self._converters:
            for converter in converters:
                values[index] = converter(values[index], expression, connection)
        return tuple(values)


class Insert:
    """One INSERT of a model's row, returning its id: a prepared statement where a `Select` is
    one. For the few rows written on every request of a hot path, where compiling the ORM's
    INSERT took longer than running it.

    For a plain model it writes the row as `save()` would: the related objects checked as saved,
    then each field's `pre_save` (as for `auto_now_add`) and `get_db_prep_save`. It is `save()`
    itself for anything else it would otherwise pass over: `pre_save` or `post_save` receivers,
    a `save()` of the model's own, a field with a database default or generated by the
    database, or a database that cannot return the new id from its INSERT (SQLite before
    3.35)."""

    def __init__(self, model: type[Model]):
        pk = model._meta.pk
        if not pk.db_returning:
            raise ValueError(f"{model.__name__}'s id is not assigned by the database.")
        self.model = model
        self.fields = tuple(field for field in model._meta.concrete_fields if field is not pk)
        self.plain = model.save is Model.save and not any(
            field.generated or field.db_default is not NOT_PROVIDED for field in self.fields
        )
        self.sql = (
            f"INSERT INTO {table(model)}"
            f" ({', '.join(quote(field.column) for field in self.fields)})"
            f" VALUES ({', '.join(['%s'] * len(self.fields))})"
            f" RETURNING {quote(pk.column)}"
        )

    def save(self, instance: Model) -> None:
        """Insert `instance` (a new one) and set its id, as `instance.save()` does."""
        connection = _connection()
        if (
            not self.plain
            or not connection.features.can_return_columns_from_insert
            or pre_save.has_listeners(self.model)
            or post_save.has_listeners(self.model)
        ):
            instance.save(force_insert=True)
            return
        instance._prepare_related_fields_for_save(operation_name="save")
        params = [
            field.get_db_prep_save(field.pre_save(instance, add=True), connection)
            for field in self.fields
        ]
        (pk,) = _run(connection, self.sql, params, _fetchone)
        instance.pk = pk
        instance._state.adding = False
        instance._state.db = DEFAULT_DB_ALIAS


def _adapted(connection, params: Sequence[Any]) -> list[Any]:
    """Datetimes as the backend stores them, as the ORM sends them: SQLite keeps naive UTC text,
    and an aware datetime handed to its driver as it is would be compared as other text."""
    adapt = connection.ops.adapt_datetimefield_value
    return [adapt(value) if isinstance(value, datetime) else value for value in params]


def in_list_size(count: int) -> int:
    """How many placeholders a statement with `IN (...)` of `count` values is written with: the
    next power of two, the list padded by repeating a value, so that a handful of statements
    serve every size (each connection keeps a bounded number of prepared statements)."""
    return 1 << max(0, count - 1).bit_length()


def in_list_padded(values: Sequence[Any]) -> list[Any]:
    """`values` padded to `in_list_size(len(values))` by repeating the last (never empty)."""
    return [*values, *[values[-1]] * (in_list_size(len(values)) - len(values))]


def _fetchone(cursor):
    return cursor.fetchone()


def _fetchall(cursor):
    return cursor.fetchall()


def _run(connection, sql: str, params: Sequence[Any], fetch):
    """`sql` run with `params` on the connection, and what `fetch` reads of its cursor.

    On PostgreSQL with `DATABASE_PREPARED_STATEMENTS`, the statement is prepared (once per
    connection), and when nothing is watching the connection's queries (no query log, as under
    `DEBUG` or a test counting them, and no `execute_wrapper`) it runs on one cursor the
    connection keeps, without a Django cursor wrapper around it: building both for every
    statement was a third of the Python time of a one-row lookup. Errors are Django's, as
    through any cursor, and a transaction already broken refuses the statement as Django does."""
    params = _adapted(connection, params)
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return fetch(cursor)
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    if connection.queries_logged or connection.execute_wrappers:
        with connection.wrap_database_errors:
            raw = _PreparingCursor(connection.connection)
        wrapped = (
            connection.make_debug_cursor(raw)
            if connection.queries_logged
            else connection.make_cursor(raw)
        )
        with wrapped as cursor:
            cursor.execute(sql, params)
            return fetch(cursor)
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        cursor = _kept_cursor(connection)
        cursor.execute(sql, params)
        return fetch(cursor)


def _kept_cursor(connection) -> _PreparingCursor:
    """The cursor kept for `connection`'s current psycopg connection (a reconnection gets a new
    one). Each thread has its own DatabaseWrapper, so the cursor is never shared."""
    cursor = getattr(connection, "_sql_kept_cursor", None)
    if cursor is None or cursor.connection is not connection.connection or cursor.closed:
        cursor = _PreparingCursor(connection.connection)
        connection._sql_kept_cursor = cursor
    return cursor


def instance_from_row(
    model: type[Model], row: Sequence[Any], names: Sequence[str] | None = None
) -> Model:
    """A model instance, as the ORM loads one, from a row of all its concrete fields in order
    (a `Select` whose fields are `model._meta.concrete_fields`), or of the fields `names` only,
    in the model's order (`fields_in_order`); the others are deferred, as with `only()`."""
    if names is None:
        attnames = [field.attname for field in model._meta.concrete_fields]
    else:
        attnames = [model._meta.get_field(name).attname for name in names]
    return model.from_db(DEFAULT_DB_ALIAS, attnames, row)


def fields_in_order(model: type[Model], names: Iterable[str]) -> tuple[str, ...]:
    """`names` in the model's field order, the order `instance_from_row` reads a row in."""
    wanted = set(names)
    return tuple(field.name for field in model._meta.concrete_fields if field.name in wanted)
