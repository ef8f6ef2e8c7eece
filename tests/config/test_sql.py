"""config.sql: hand-written SELECTs give back what the ORM would, and an Insert stores what save()
would, on SQLite and PostgreSQL."""

import uuid
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.db.transaction import TransactionManagementError

from config.sql import (
    Insert,
    Select,
    column,
    in_list_padded,
    in_list_size,
    instance_from_row,
    quote,
    table,
)
from gamification.models import Streak
from progress.models import LessonSession, SessionAnswer
from tests.accounts.factories import UserFactory
from tests.gamification.factories import StreakFactory
from tests.progress.factories import build_path

pytestmark = pytest.mark.django_db

User = get_user_model()


def _streak_select() -> Select:
    fields = [Streak._meta.get_field(name) for name in ("last_active_date", "last_active_at")]
    return Select(
        f"SELECT {column(Streak, 'last_active_date', alias='s')},"
        f" {column(Streak, 'last_active_at', alias='s')}, 40 + 2"
        f" FROM {table(Streak)} s WHERE {column(Streak, 'user', alias='s')} = %s",
        [*fields, None],
    )


def test_columns_come_back_as_the_model_fields_types():
    # SQLite hands dates and datetimes back as text: the ORM's converters make them values.
    at = datetime(2026, 3, 1, 21, 30, 15, 123456, tzinfo=UTC)
    streak = StreakFactory(last_active_date=date(2026, 3, 1), last_active_at=at)

    row = _streak_select().one([streak.user_id])

    assert row == (date(2026, 3, 1), at, 42)
    assert type(row[0]) is date
    assert row[1].utcoffset() is not None


def test_no_row_is_none():
    assert _streak_select().one([0]) is None


def test_a_whole_row_becomes_the_instance_the_orm_would_load():
    user = UserFactory(display_name="Ada", daily_goal_xp=30)
    fields = User._meta.concrete_fields
    row = Select(
        f"SELECT {', '.join(f'u.{quote(f.column)}' for f in fields)} FROM {table(User)} u"
        f" WHERE {column(User, 'id', alias='u')} = %s",
        fields,
    ).one([user.pk])

    loaded = instance_from_row(User, row)

    expected = User.objects.get(pk=user.pk)
    assert loaded == expected
    assert loaded._state.adding is False
    assert loaded._state.db == "default"
    assert {f.attname: getattr(loaded, f.attname) for f in fields} == {
        f.attname: getattr(expected, f.attname) for f in fields
    }


@pytest.mark.postgres
def test_selects_are_prepared_on_postgresql_and_the_orms_statements_are_not():
    # A Select is planned once per connection; the ORM's queries are planned with their values
    # each time, since a generic plan can be far worse for them (config/sql.py says when).
    user = UserFactory()
    for _ in range(2):
        _streak_select().one([user.pk])
        User.objects.filter(pk=user.pk).values_list("email", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]

    assert any(table(Streak) in statement for statement in prepared)
    assert not any(table(User) in statement for statement in prepared)


@pytest.mark.postgres
def test_a_select_is_counted_as_a_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        _streak_select().one([0])


@pytest.mark.parametrize(
    ("count", "size"), [(1, 1), (2, 2), (3, 4), (4, 4), (5, 8), (20, 32), (200, 256)]
)
def test_in_lists_come_in_a_few_sizes_padded_with_their_last_value(count, size):
    values = list(range(100, 100 + count))

    padded = in_list_padded(values)

    assert in_list_size(count) == size
    assert len(padded) == size
    assert padded[:count] == values
    assert set(padded) == set(values)


def test_rows_are_all_read_and_an_aware_datetime_is_compared_as_the_instant_it_is():
    # SQLite stores datetimes as naive UTC text: an aware parameter must be sent the same way.
    streaks = [
        StreakFactory(last_active_at=datetime(2025, 3, 10, 15, 0, tzinfo=UTC)),
        StreakFactory(last_active_at=datetime(2025, 3, 10, 16, 0, tzinfo=UTC)),
    ]
    select = Select(
        f"SELECT {column(Streak, 'user', alias='s')} FROM {table(Streak)} s"
        f" WHERE {column(Streak, 'last_active_at', alias='s')} >= %s"
        f" ORDER BY {column(Streak, 'user', alias='s')}",
        [Streak._meta.get_field("user")],
    )
    tokyo_midnight = datetime.fromisoformat("2025-03-11T00:00:00+09:00")

    assert select.all([tokyo_midnight]) == [(streaks[0].user_id,), (streaks[1].user_id,)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_selects_share_one_cursor_per_connection_and_a_new_connection_gets_its_own():
    user = StreakFactory().user
    _streak_select().one([user.pk])
    kept = connection._sql_kept_cursor

    _streak_select().all([user.pk])
    assert connection._sql_kept_cursor is kept

    connection.close()  # as at the end of a request past CONN_MAX_AGE, or after an error
    assert _streak_select().one([user.pk]) is not None
    assert connection._sql_kept_cursor is not kept


@pytest.mark.postgres
def test_an_execute_wrapper_sees_each_select():
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        _streak_select().one([0])

    assert len(seen) == 1 and table(Streak) in seen[0]


@pytest.mark.postgres
def test_a_select_in_a_transaction_marked_for_rollback_is_refused_as_the_orms_queries_are():
    with transaction.atomic():
        transaction.set_rollback(True)  # as after an error inside an inner atomic block
        with pytest.raises(TransactionManagementError):
            User.objects.exists()
        with pytest.raises(TransactionManagementError):
            _streak_select().one([0])


# --- Insert ------------------------------------------------------------------------------------


def _session() -> LessonSession:
    _course, lessons = build_path(((1,),), exercises=1)
    return LessonSession.objects.create(user=UserFactory(), lesson=lessons[0], exercises=[])


def _answer(session, **fields) -> SessionAnswer:
    values = {
        "exercise_id": 7,
        "answer": {"text": "Où ça ?"},
        "correct": True,
        "first_try": True,
        "match": "exact",
        "solution": "où ça",
    }
    return SessionAnswer(session=session, **(values | fields))


def test_an_insert_stores_the_row_save_would_store():
    session, client_id = _session(), uuid.uuid4()
    answer = _answer(session, client_id=client_id)

    Insert(SessionAnswer).save(answer)

    assert answer.pk is not None
    assert not answer._state.adding
    stored = SessionAnswer.objects.get(pk=answer.pk)
    assert (stored.session_id, stored.exercise_id, stored.client_id) == (session.pk, 7, client_id)
    assert (stored.answer, stored.solution, stored.hearts_after) == (
        {"text": "Où ça ?"},
        "où ça",
        None,
    )
    # auto_now_add, set on the instance as save() sets it
    assert answer.created_at is not None
    assert stored.created_at == answer.created_at


def test_an_insert_that_breaks_a_constraint_is_djangos_integrity_error():
    session = _session()
    Insert(SessionAnswer).save(_answer(session))

    with pytest.raises(IntegrityError), transaction.atomic():
        Insert(SessionAnswer).save(_answer(session))  # a second first try of the exercise

    assert SessionAnswer.objects.filter(session=session).count() == 1


def test_a_model_with_save_receivers_is_inserted_through_save():
    saved = []

    def receiver(sender, instance, created, **kwargs):
        saved.append((instance.pk, created))

    answer = _answer(_session())
    post_save.connect(receiver, sender=SessionAnswer, weak=False, dispatch_uid="test_sql_insert")
    try:
        Insert(SessionAnswer).save(answer)
    finally:
        post_save.disconnect(sender=SessionAnswer, dispatch_uid="test_sql_insert")

    assert saved == [(answer.pk, True)]


def test_an_insert_is_for_models_whose_id_the_database_assigns():
    with pytest.raises(ValueError, match="Streak"):
        Insert(Streak)


def test_an_insert_refuses_an_unsaved_related_object_as_save_does():
    session = LessonSession(user=UserFactory(), lesson=_session().lesson, exercises=[])

    with pytest.raises(ValueError, match="unsaved related object"):
        Insert(SessionAnswer).save(_answer(session))
