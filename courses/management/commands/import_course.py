"""`python manage.py import_course PACK`: create a course from a pack, or update it in place.

PACK is a `.json` file whose media paths are relative to its folder, or a `.zip` holding
`pack.json` and its media. Every problem is listed and nothing is written when there is one;
the command then exits with status 1.

With `--publish` the course is then published (as the publish action would: every check runs and
a course with a problem stays a draft) when it is a draft or the import changed it; an unchanged,
published course keeps its version.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.models import CourseStatus
from courses.packs import PackError, course_pack_import, pack_load_path
from courses.services import CourseNotPublishable, course_publish


class Command(BaseCommand):
    help = (
        "Import a course pack (a .json file with its media beside it, or a .zip): create the "
        "course, or update it in place keeping lessons (by slug) and exercises (by key)."
    )

    def add_arguments(self, parser):
        parser.add_argument("pack", type=Path, help="the pack: PACK.json or PACK.zip")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the pack and report what would change, without saving anything",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish the course after importing it, if it is a draft or the import changed it",
        )

    def handle(self, *args, pack: Path, dry_run: bool = False, publish: bool = False, **options):
        try:
            loaded = pack_load_path(pack)
            report = course_pack_import(
                pack=loaded.pack, base_dir=loaded.base_dir, files=loaded.files, dry_run=dry_run
            )
        except PackError as error:
            raise CommandError(f"{pack}: {error}") from None
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if not publish or dry_run:
            return
        course = report.course
        if course.status == CourseStatus.PUBLISHED and not report.changed:
            return
        try:
            course = course_publish(course=course, by=None)
        except CourseNotPublishable as error:
            problems = "\n".join(f"  {problem}" for problem in error.problems)
            raise CommandError(f"{pack}: imported, but not published:\n{problems}") from None
        self.stdout.write(self.style.SUCCESS(f"Published version {course.version}."))
