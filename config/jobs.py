"""The clock's jobs, by name: what Celery beat runs and what `manage.py runjob` runs by hand.

An app registers each periodic job once, from its `AppConfig.ready()`:

    job_register("streak_rollover", streak_rollover, description="...")

where the function takes the moment the clock says (`at`, an aware datetime) and returns a small
summary (a count or a dict) for the log. Beat rows, created by migrations, call the Celery task
`config.tasks.job_run_task` with the job's name, so a schedule edited in the admin and a run by hand
reach the same function. Each job is idempotent by construction (see DESIGN.md, "Clock"): a second
run for the same moment changes nothing, and two workers running it at once double nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from config.timeutils import aware


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[..., Any]
    description: str


_jobs: dict[str, Job] = {}


class UnknownJob(LookupError):
    pass


def job_register(name: str, run: Callable[..., Any], *, description: str) -> Job:
    """Registers `run(at=...)` as `name`; registering the same function again is harmless."""
    existing = _jobs.get(name)
    if existing is not None and existing.run is not run:
        raise ValueError(f"A job named {name!r} is already registered.")
    job = Job(name=name, run=run, description=description)
    _jobs[name] = job
    return job


def jobs_list() -> list[Job]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def job_get(name: str) -> Job:
    try:
        return _jobs[name]
    except KeyError:
        raise UnknownJob(name) from None


def job_run(name: str, *, at: datetime | None = None) -> Any:
    """Runs the job as if the clock said `at` (now when None)."""
    job = job_get(name)
    return job.run(at=aware(at) if at is not None else timezone.now())
