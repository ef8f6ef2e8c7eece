"""An answer's transaction commits without waiting for the disk (config.transactions), and no
other transaction does: not a caller's around the answer, not the next one on the connection."""

from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from config.sql import table
from courses.models import Exercise
from progress.models import SessionAnswer
from progress.selectors import lesson_session_get
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
    assert _synchronous_commit() == "on"
    with transaction.atomic():
        assert _synchronous_commit() == "on"


@pytest.mark.django_db
def test_an_answer_inside_a_callers_transaction_leaves_its_commit_alone(user, lessons):
    # The test's own transaction holds the answer, as any caller's would: its other writes may
    # need the disk, so the answer must not change how it commits.
    session, (first, *_rest) = _session(user, lessons[0])

    with _commit_mode_of_answer_inserts() as seen:
        session_answer_submit(
            user=user, session_id=session.id, exercise_id=first.id, answer=right_answer(first)
        )

    assert seen == ["on"]
    assert _synchronous_commit() == "on"


@pytest.mark.django_db
def test_the_setting_is_only_offered_on_the_sessions_own_read(user, lessons):
    session, _exercises = _session(user, lessons[0])

    with pytest.raises(ValueError):
        lesson_session_get(
            user=user, session_id=session.id, for_update=True, commit_asynchronously=True
        )
