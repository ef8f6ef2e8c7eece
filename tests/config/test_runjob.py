from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from config import jobs


@pytest.fixture
def recorded_job():
    calls = []

    def run(*, at):
        calls.append(at)
        return {"seen": len(calls)}

    jobs.job_register("test_recorder", run, description="records the moments it ran at")
    yield calls
    jobs._jobs.pop("test_recorder", None)


def test_list_names_every_registered_job(recorded_job):
    out = StringIO()
    call_command("runjob", "--list", stdout=out)
    names = {line.split()[0] for line in out.getvalue().splitlines()}
    assert {"test_recorder", "morning_reviews", "expired_tokens_flush"} <= names


def test_runs_a_job_as_if_the_clock_said_at(recorded_job):
    out = StringIO()
    call_command("runjob", "test_recorder", "--at", "2026-03-01T23:30:00+02:00", stdout=out)
    assert recorded_job == [datetime(2026, 3, 1, 21, 30, tzinfo=UTC)]
    assert 'test_recorder: {"seen": 1}' in out.getvalue()


def test_a_naive_at_is_utc(recorded_job):
    call_command("runjob", "test_recorder", "--at", "2026-03-01T10:00", stdout=StringIO())
    assert recorded_job == [datetime(2026, 3, 1, 10, tzinfo=UTC)]


@pytest.mark.parametrize("argv", [["nope"], ["test_recorder", "--at", "yesterday"], []])
def test_bad_invocations_are_command_errors(recorded_job, argv):
    with pytest.raises(CommandError):
        call_command("runjob", *argv, stdout=StringIO())
    assert recorded_job == []


def test_the_beat_task_runs_the_named_job(recorded_job):
    from config.tasks import job_run_task

    assert job_run_task("test_recorder") == {"seen": 1}


def test_a_name_is_registered_once():
    with pytest.raises(ValueError):
        jobs.job_register("morning_reviews", lambda *, at: None, description="another")


@pytest.mark.django_db
def test_morning_reviews_runs_by_hand():
    out = StringIO()
    call_command("runjob", "morning_reviews", "--at", "2026-03-01T07:00:00Z", stdout=out)
    assert '"sessions_created": 0' in out.getvalue()
