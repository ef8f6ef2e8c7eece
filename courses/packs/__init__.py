"""Course packs: one JSON file (with its media) that holds a whole course.

The format is `../shared/COURSE_PACK.md`; `courses/course-pack.schema.json` is the contract. The
commands (`import_course`, `export_course`) and the admin (`courses.admin.packs`) are thin
callers of the functions below.

- `course_pack_import(pack=..., base_dir=..., files=..., by=...)` validates the pack (schema,
  then the rules: unique slugs, keys and words, known references, no prerequisite cycle, every
  exercise valid by `exercises.rules.exercise_problems`, media present and real audio/images)
  and, only when there is no problem at all, writes it in one transaction. Otherwise it raises
  `PackError`, whose `problems` lists every `(place, message)`, and writes nothing.
- `course_pack_export(course=...)` gives the course back as a pack in canonical form.

Media: a pack names files by paths relative to the pack file (or inside the zip). The importer
copies them into the default storage under a content-hash name (see `storage.py`); URLs are
refused, since the importer downloads nothing and a FileField cannot hold a remote file. A pack
that updates a course may name a file without carrying it when the course already holds it
under that path (as its export names it): an exported .json, which carries no media, imports
back as it is; a path the course does not hold is still refused as missing.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from courses.models import Course
from courses.packs.exporter import (
    course_pack_dumps,
    course_pack_export,
    course_pack_export_media,
    course_pack_zip,
    pack_canonical,
)
from courses.packs.importer import ImportReport, PackImporter
from courses.packs.loading import LoadedPack, pack_load_path, pack_load_upload
from courses.packs.problems import PackError, Problem
from courses.packs.validation import MediaSource, pack_problems, pack_schema

__all__ = [
    "ImportReport",
    "LoadedPack",
    "PackError",
    "Problem",
    "course_pack_dumps",
    "course_pack_export",
    "course_pack_export_media",
    "course_pack_import",
    "course_pack_validate",
    "course_pack_zip",
    "pack_canonical",
    "pack_load_path",
    "pack_load_upload",
    "pack_schema",
]


def course_pack_validate(
    *, pack: Any, base_dir: Path | None = None, files: Mapping[str, bytes] | None = None
) -> list[Problem]:
    """Every problem of the pack, as (place, message); empty when it can be imported."""
    problems, _ = pack_problems(pack, source=_media_source(pack, base_dir, files))
    return problems


def _media_source(
    pack: Any, base_dir: Path | None, files: Mapping[str, bytes] | None
) -> MediaSource:
    """The pack's own files, then those the course it updates already holds (see above)."""
    course = pack.get("course") if isinstance(pack, dict) else None
    slug = course.get("slug") if isinstance(course, dict) else None
    existing = Course.objects.filter(slug=slug).first() if isinstance(slug, str) else None
    stored = course_pack_export_media(course=existing)[1] if existing is not None else {}
    return MediaSource(base_dir=base_dir, files=files, stored=stored)


def course_pack_import(
    *,
    pack: Any,
    base_dir: Path | None = None,
    files: Mapping[str, bytes] | None = None,
    by=None,
    dry_run: bool = False,
) -> ImportReport:
    """Create or update the course the pack holds; all or nothing.

    `base_dir` is the folder media paths are relative to (the pack file's), `files` the media
    by path (a zip's members); `by` is recorded as the author of every change. With `dry_run`
    the import runs and reports what it would change, then rolls back and stores no media.
    """
    source = _media_source(pack, base_dir, files)
    problems, media = pack_problems(pack, source=source)
    if problems:
        raise PackError(problems)
    for attempt in range(2):
        try:
            with transaction.atomic():
                report = PackImporter(
                    pack, media, by=by, store_media=not dry_run, reused=source.reused
                ).run()
                if dry_run:
                    report.dry_run = True
                    raise _RolledBack(report)
            return report
        except _RolledBack as rolled_back:
            return rolled_back.report
        except ProtectedError as error:
            message = f"rows that other records protect cannot be deleted: {error.args[0]}"
            raise PackError([("course", message)]) from error
        except IntegrityError as error:
            # Validation leaves only races here: two imports creating the same course (or
            # language) at once. The loser tries again, now as an update of the winner's rows.
            if attempt:
                message = f"the database refused the import: {error}"
                raise PackError([("course", message)]) from error
    raise AssertionError("unreachable")


class _RolledBack(Exception):
    def __init__(self, report: ImportReport):
        super().__init__("dry run")
        self.report = report
