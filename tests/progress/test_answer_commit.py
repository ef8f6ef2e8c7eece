"""An answer's transaction commits without waiting for the disk (config.transactions), and no
other transaction does: not a caller's around the answer, not the next one on the connection."""

from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from config.sql import table
from config.transactions import transaction_opened_here
from courses.models import Exercise
from progress.models import SessionAnswer
from progress.services import lesson_session_start, session_answer_submit
from tests.progress.factories import EnrollmentFactory, right_answer, wrong_answer

pytestmark = pytest.mark.postgres


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@contextmanager
def _commit_mode_of_answer_inserts():
    """The transaction's `synchronous_commit` as each answer row is inserted."""
    seen: list[str] = []
    insert = f"INSERT INTO {table(SessionAnswer)}"

    def wrapper(execute, sql, params, many, context):
        if sql.startswith(insert):
            seen.append(_synchronous_commit())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def _session(user, lesson):
    EnrollmentFactory(user=user, course=lesson.course)
    session = lesson_session_start(user=user, lesson=lesson)
    return session, [Exercise.objects.get(id=item["id"]) for item in session.exercises]


@pytest.mark.django_db(transaction=True)
def test_an_answer_commits_asynchronously_and_the_setting_ends_with_its_transaction(user, lessons):
    session, (first, second, *_rest) = _session(user, lessons[0])
    durable = _synchronous_commit()
    assert durable != "off"  # the server's own setting, which every other transaction keeps

    with _commit_mode_of_answer_inserts() as seen:
        session_answer_submit(
            user=user, session_id=session.id, exercise_id=first.id, answer=wrong_answer(first)
        )
        session_answer_submit(
            user=user, session_id=session.id, exercise_id=second.id, answer=right_answer(second)
        )

    # A wrong answer, which takes a heart, too: a lost heart comes back whole with its answer.
    assert seen == ["off", "off"]
    assert SessionAnswer.objects.filter(session=session).count() == 2
    # SET LOCAL: the connection's next transaction waits for the disk again.
    assert _synchronous_commit() == durable
    with transaction.atomic():
        assert _synchronous_commit() == durable


@pytest.mark.django_db
def test_an_answer_inside_a_callers_transaction_leaves_its_commit_alone(user, lessons):
    # The test's own transaction holds the answer, as any caller's would: its other writes may
    # need the disk, so the answer must not change how it commits.
    session, (first, *_rest) = _session(user, lessons[0])
    durable = _synchronous_commit()

    with _commit_mode_of_answer_inserts() as seen:
        session_answer_submit(
            user=user, session_id=session.id, exercise_id=first.id, answer=right_answer(first)
        )

    assert seen == [durable]
    assert durable != "off"


@pytest.mark.django_db(transaction=True)
def test_only_an_atomic_block_that_opens_the_transaction_counts_as_opening_it():
    assert transaction_opened_here()
    with transaction.atomic():
        assert not transaction_opened_here()
    # Autocommit turned off by hand: atomic() would join that transaction, not open one.
    transaction.set_autocommit(False)
    try:
        assert not transaction_opened_here()
    finally:
        transaction.rollback()
        transaction.set_autocommit(True)
