"""`python manage.py export_course SLUG`: the course as a course pack.

The pack goes to stdout, or to `-o FILE`. Media are named in the pack by paths relative to the
pack file; they are written only when asked, so that printing a pack never scatters files:

- `-o DIR/pack.json --media-dir DIR` writes the pack and, beside it, every media file it names
  (the folder then imports again as it is: `import_course DIR/pack.json`);
- `-o course.zip` writes one zip holding `pack.json` and the media, as the importer and the
  admin's upload accept it.
"""

from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from courses.models import Course
from courses.packs import (
    PackError,
    course_pack_dumps,
    course_pack_export_media,
    course_pack_zip,
)


class Command(BaseCommand):
    help = "Export a course as a course pack (JSON to stdout, or -o FILE; FILE.zip adds media)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the course's slug")
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            help="write to FILE instead of stdout; a FILE ending in .zip holds the media too",
        )
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="copy the media files into DIR at their paths in the pack (use the pack's folder)",
        )

    def handle(self, *args, slug: str, output: Path | None, media_dir: Path | None, **options):
        course = Course.objects.filter(slug=slug).first()
        if course is None:
            raise CommandError(f"There is no course with the slug {slug!r}.")
        if output is not None and output.suffix.lower() == ".zip":
            if media_dir is not None:
                raise CommandError("A zip holds its media already; --media-dir is not needed.")
            try:
                data = course_pack_zip(course=course)
            except PackError as error:
                raise CommandError(str(error)) from None
            self._write(output, data)
            return
        pack, media = course_pack_export_media(course=course)
        text = course_pack_dumps(pack)
        if output is None:
            self.stdout.write(text, ending="")
        else:
            self._write(output, text.encode())
        if media_dir is not None:
            self._copy_media(media, media_dir)
        elif media:
            self.stderr.write(
                f"The pack names {len(media)} media files; add --media-dir to copy them."
            )

    def _write(self, output: Path, data: bytes) -> None:
        # `-o DIR/pack.json --media-dir DIR` is the documented way to export a folder: make DIR.
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror or error}.") from None
        self.stderr.write(f"Wrote {output}.")

    def _copy_media(self, media: dict[str, str], folder: Path) -> None:
        root = folder.resolve()
        missing = []
        for relpath, name in sorted(media.items()):
            target = (root / relpath).resolve()
            if not target.is_relative_to(root):
                raise CommandError(f"Refusing to write {relpath!r} outside {folder}.")
            if not default_storage.exists(name):
                missing.append(f"{relpath} (stored as {name})")
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(name, "rb") as source:
                target.write_bytes(source.read())
        if missing:
            raise CommandError(
                "These media files are missing from the media store:\n  " + "\n  ".join(missing)
            )
        self.stderr.write(f"Copied {len(media)} media files into {folder}.")
