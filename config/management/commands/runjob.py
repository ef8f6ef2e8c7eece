"""`manage.py runjob --list` and `manage.py runjob NAME [--at ISO]`: the clock's jobs by hand."""

import json
from datetime import UTC

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from config.jobs import UnknownJob, job_run, jobs_list


class Command(BaseCommand):
    help = "Runs a scheduled job now, or as if the clock said --at; --list names them."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="the job's name (see --list)")
        parser.add_argument("--at", help="an ISO 8601 datetime; UTC when it has no offset")
        parser.add_argument("--list", action="store_true", help="list the jobs and stop")

    def handle(self, *args, name=None, at=None, list=False, **options):
        if list:
            for job in jobs_list():
                self.stdout.write(f"{job.name:<28} {job.description}")
            return
        if not name:
            raise CommandError("Name a job, or pass --list to see them.")
        moment = None
        if at is not None:
            try:
                moment = parse_datetime(at)
            except ValueError:
                moment = None
            if moment is None:
                raise CommandError(f"--at {at!r} is not an ISO 8601 datetime.")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, UTC)
        try:
            result = job_run(name, at=moment)
        except UnknownJob:
            names = ", ".join(job.name for job in jobs_list())
            raise CommandError(f"No job named {name!r}. Jobs: {names}.") from None
        self.stdout.write(f"{name}: {json.dumps(result, default=str)}")
