"""Is a pack importable? The JSON schema first, then the rules the schema cannot say.

Every problem is collected, none stops the others: an editor fixes a whole pack in one go. The
rules run on whatever parts of the pack are well formed, so a schema error in one exercise does
not hide a duplicate slug in another lesson; an exercise with a schema error is not judged again
by `exercise_problems`, which would only say the same thing in other words.
"""

import functools
import itertools
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path as FilePath
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from courses.models import Language, Lesson, Section, Unit, Word
from courses.packs.problems import Path, Problem, place
from courses.services import prerequisites_cycle_find
from exercises.media import validate_audio, validate_image
from exercises.rules import USES, ExerciseSpec, exercise_problems, unused_field_problems

SCHEMA_FILE = FilePath(__file__).resolve().parent.parent / "course-pack.schema.json"
FORMAT = "course-pack/1"

VALIDATORS = {"audio": validate_audio, "image": validate_image}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_REQUIRED = re.compile(r"^'(?P<name>[^']+)' is a required property$")
_PATTERN_HINTS = {
    "slug": 'use lowercase letters, digits and single hyphens, like "greetings-1"',
    "color": 'use a colour like "#58CC02"',
    "code": 'use a language code like "es" or "pt-BR"',
}


@functools.cache
def pack_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(pack_schema())


class MediaMissing(Exception):
    pass


class MediaTooLarge(Exception):
    pass


class MediaUnreadable(Exception):
    """The file is there but cannot be read (a damaged or encrypted zip member); says why."""


class MediaStoreLost(MediaMissing):
    """The pack does not carry the file and the course's stored copy has left the media store."""


class MediaSource:
    """The files a pack names, read from the pack's folder or from a mapping (a zip's members).

    Paths are relative to the pack file, POSIX style; nothing outside the folder is ever read.
    `stored` maps the pack paths of the media the course being updated already holds (as its
    export names them) to their names in the media store: a file the pack names but does not
    carry (an exported .json brings no media) is read from there, and `reused` records it, so
    the importer points the row at that stored file again rather than storing a copy.
    """

    def __init__(
        self,
        *,
        base_dir: FilePath | None = None,
        files: Mapping[str, bytes] | None = None,
        stored: Mapping[str, str] | None = None,
    ):
        self.base_dir = FilePath(base_dir).resolve() if base_dir is not None else None
        self.files = files
        self.stored = {media_relpath(path) or path: name for path, name in (stored or {}).items()}
        self.reused: dict[str, str] = {}

    @property
    def empty(self) -> bool:
        return self.base_dir is None and not self.files

    def read(self, relpath: str) -> bytes:
        try:
            return self._read_pack(relpath)
        except MediaMissing:
            if relpath not in self.stored:
                raise
        name = self.stored[relpath]
        try:
            with default_storage.open(name, "rb") as file:
                data = file.read(settings.MEDIA_MAX_UPLOAD_BYTES + 1)
        except (OSError, ValueError):
            raise MediaStoreLost(relpath) from None
        if len(data) > settings.MEDIA_MAX_UPLOAD_BYTES:
            raise MediaTooLarge(relpath)
        self.reused[relpath] = name
        return data

    def _read_pack(self, relpath: str) -> bytes:
        limit = settings.MEDIA_MAX_UPLOAD_BYTES
        if self.files is not None and relpath in self.files:
            data = self.files[relpath]
        elif self.base_dir is not None:
            try:
                file = (self.base_dir / relpath).resolve()
                if not file.is_relative_to(self.base_dir) or not file.is_file():
                    raise MediaMissing(relpath)
                if file.stat().st_size > limit:
                    raise MediaTooLarge(relpath)
                data = file.read_bytes()
            except (OSError, ValueError):  # a name too long, or holding a NUL, names no file
                raise MediaMissing(relpath) from None
        else:
            raise MediaMissing(relpath)
        if len(data) > limit:
            raise MediaTooLarge(relpath)
        return data


def media_relpath(value: str) -> str | None:
    """The normalised path a pack names, or None when it points outside the pack."""
    path = PurePosixPath(value.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or _SCHEME.match(value):
        return None
    return str(path)


def pack_problems(
    pack: Any, *, source: MediaSource | None = None
) -> tuple[list[Problem], dict[str, bytes]]:
    """Every problem of the pack, and the contents of the media files it names (when valid)."""
    checker = _Checker(pack, source or MediaSource(files=None))
    checker.run()
    return checker.problems, checker.media


class _Checker:
    def __init__(self, pack: Any, source: MediaSource):
        self.pack = pack
        self.source = source
        self.problems: list[Problem] = []
        self.media: dict[str, bytes] = {}
        self._media_seen: dict[tuple[str, str], str | None] = {}
        # Every path holding a schema error, and every ancestor of one.
        self._broken: set[Path] = set()
        # The course's two language codes, the only ones an exercise may be answered in.
        self._codes: set[Any] = set()

    def add(self, path: Path | str, message: str) -> None:
        where = path if isinstance(path, str) else place(path)
        self.problems.append(Problem(where, message))

    def run(self) -> None:
        for error in _validator().iter_errors(self.pack):
            path = tuple(error.absolute_path)
            self._broken.update(path[:end] for end in range(len(path) + 1))
            for where, message in _schema_messages(error):
                self.add(where, message)
        course = self.pack.get("course") if isinstance(self.pack, dict) else None
        if not isinstance(course, dict):
            return
        self._check_course(course)
        self._codes = {
            language.get("code")
            for role in ("learning_language", "from_language")
            if isinstance(language := course.get(role), dict)
        }
        lessons = list(_lessons(course))
        slugs, words = self._check_names(course, lessons)
        for path, lesson in lessons:
            self._check_lesson(path, lesson, slugs, words)
        self._check_cycles(lessons, slugs)

    # --- the course -------------------------------------------------------------------------

    def _check_course(self, course: dict) -> None:
        codes = {}
        for role in ("learning_language", "from_language"):
            language = course.get(role)
            if isinstance(language, dict):
                self._check_fields(("course", role), Language, language, ("name", "native_name"))
                codes[role] = language.get("code")
        learning, source = codes.get("learning_language"), codes.get("from_language")
        if isinstance(learning, str) and learning == source:
            self.add(
                ("course", "from_language", "code"),
                f"learning_language and from_language are both {_brief(learning)}: "
                "a course teaches one language from another",
            )
        for index, section in _items(course, "sections"):
            path = ("course", "sections", index)
            self._check_fields(path, Section, section, ("title",))
            for unit_index, unit in _items(section, "units"):
                self._check_fields((*path, "units", unit_index), Unit, unit, ("title", "icon"))

    def _check_names(
        self, course: dict, lessons: list[tuple[Path, dict]]
    ) -> tuple[dict[str, Path], dict[str, Path]]:
        """Lesson slugs and word texts are unique in the pack; return where each is declared."""
        slugs: dict[str, Path] = {}
        words: dict[str, Path] = {}
        for path, lesson in lessons:
            slug = lesson.get("slug")
            if isinstance(slug, str):
                if slug in slugs:
                    self.add(
                        (*path, "slug"),
                        f"lesson slug {_brief(slug)} is already used by {place(slugs[slug])}",
                    )
                else:
                    slugs[slug] = path
            for index, word in _items(lesson, "words"):
                text = word.get("text")
                if not isinstance(text, str):
                    continue
                if text in words:
                    self.add(
                        (*path, "words", index, "text"),
                        f"word {_brief(text)} is already declared at {place(words[text])}",
                    )
                else:
                    words[text] = (*path, "words", index)
        return slugs, words

    # --- lessons ----------------------------------------------------------------------------

    def _check_lesson(
        self, path: Path, lesson: dict, slugs: dict[str, Path], words: dict[str, Path]
    ) -> None:
        self._check_fields(path, Lesson, lesson, ("title",))
        requires = lesson.get("requires")
        if isinstance(requires, list):
            for index, slug in enumerate(requires):
                if isinstance(slug, str) and slug not in slugs:
                    self.add(
                        (*path, "requires", index),
                        f"requires lesson {_brief(slug)}, which is not in the pack",
                    )
        for index, word in _items(lesson, "words"):
            word_path = (*path, "words", index)
            self._check_fields(word_path, Word, word, ("text",))
            for kind in ("audio", "image"):
                self._check_media((*word_path, kind), kind, word.get(kind))
        keys: dict[str, int] = {}
        for index, exercise in _items(lesson, "exercises"):
            exercise_path = (*path, "exercises", index)
            key = exercise.get("key")
            if isinstance(key, str):
                if key in keys:
                    self.add(
                        (*exercise_path, "key"),
                        f"exercise key {_brief(key)} is already used by exercises[{keys[key]}] "
                        "of this lesson",
                    )
                else:
                    keys[key] = index
            self._check_exercise(exercise_path, exercise, words)

    def _check_exercise(self, path: Path, exercise: dict, words: dict[str, Path]) -> None:
        kind = exercise.get("type")
        if not isinstance(kind, str):
            kind = None  # the schema reports it; a list or an object cannot even be looked up
        if kind is not None:
            for problem in unused_field_problems(kind, exercise):
                self.add((*path, problem.field), problem.message)
        if kind in USES and path not in self._broken:
            # At the exercise, not at `problem.field`: a rule may weigh several members at once.
            for problem in exercise_problems(_spec(exercise)):
                self.add(path, problem.message)
        answer_language = exercise.get("answer_language")
        if isinstance(answer_language, str) and answer_language not in self._codes:
            self.add(
                (*path, "answer_language"),
                f"answer_language {_brief(answer_language)} is neither the course's "
                "learning_language nor its from_language",
            )
        referenced = exercise.get("words")
        if isinstance(referenced, list):
            for index, text in enumerate(referenced):
                if isinstance(text, str) and text not in words:
                    self.add(
                        (*path, "words", index),
                        f"word {_brief(text)} is not declared in the pack (declare it in the words "
                        "of a lesson)",
                    )
        for kind in ("audio", "image"):
            self._check_media((*path, kind), kind, exercise.get(kind))
        for index, option in _items(exercise, "options"):
            for kind in ("audio", "image"):
                self._check_media((*path, "options", index, kind), kind, option.get(kind))

    def _check_cycles(self, lessons: list[tuple[Path, dict]], slugs: dict[str, Path]) -> None:
        edges, explicit = prerequisite_edges(lesson for _, lesson in lessons)
        edges = {slug: [to for to in targets if to in slugs] for slug, targets in edges.items()}
        # Each pass reports one cycle and cuts it, so independent cycles are all reported.
        for _ in range(sum(len(targets) for targets in edges.values())):
            cycle = prerequisites_cycle_find(edges)
            if cycle is None:
                return
            steps = list(itertools.pairwise(cycle))
            start = next((i for i, (a, b) in enumerate(steps) if b in explicit.get(a, ())), 0)
            steps = steps[start:] + steps[:start]
            first, second = steps[0]
            shown = " → ".join([first, *(b for _, b in steps)])
            implicit = any(b not in explicit.get(a, ()) for a, b in steps)
            note = " (a lesson without requires needs the lesson before it)" if implicit else ""
            self.add((*slugs[first], "requires"), f"prerequisites form a cycle: {shown}{note}")
            edges[first] = [to for to in edges[first] if to != second]

    # --- fields and media -------------------------------------------------------------------

    def _check_fields(
        self, path: Path, model: type[models.Model], data: dict, names: tuple[str, ...]
    ) -> None:
        """What the schema leaves to the database: mostly lengths of columns it does not bound."""
        for name in names:
            value = data.get(name)
            if not isinstance(value, str) or (*path, name) in self._broken:
                continue
            try:
                model._meta.get_field(name).clean(value, None)
            except ValidationError as error:
                for message in error.messages:
                    self.add((*path, name), message)

    def _check_media(self, path: Path, kind: str, value: Any) -> None:
        if not isinstance(value, str) or not value:
            return
        if re.match(r"^https?://", value, re.IGNORECASE):
            self.add(
                path,
                f"{_brief(value)} is a URL; a pack carries its media as files, named by a path "
                "relative to the pack file (the importer downloads nothing)",
            )
            return
        relpath = media_relpath(value)
        if relpath is None:
            self.add(
                path, f"{_brief(value)} must be a path inside the pack, relative to the pack file"
            )
            return
        seen = (relpath, kind)
        if seen not in self._media_seen:
            self._media_seen[seen] = self._media_problem(relpath, kind, value)
        problem = self._media_seen[seen]
        if problem:
            self.add(path, problem)

    def _media_problem(self, relpath: str, kind: str, value: str) -> str | None:
        try:
            data = self.media.get(relpath)
            if data is None:
                data = self.source.read(relpath)
        except MediaStoreLost:
            return (
                f"file {_brief(value)} is not in the pack, and the course's copy of it is missing "
                "from the media store (import a .zip holding the pack and the file)"
            )
        except MediaMissing:
            if self.source.empty:
                return (
                    f"file {_brief(value)} is not in the pack: no media came with it (import a "
                    ".zip holding the pack and its files, or the pack file from its folder)"
                )
            return f"file {_brief(value)} is not in the pack"
        except MediaTooLarge:
            return (
                f"file {_brief(value)} is larger than the limit of "
                f"{settings.MEDIA_MAX_UPLOAD_BYTES} bytes"
            )
        except MediaUnreadable as error:
            return f"file {_brief(value)} cannot be read from the zip: {error}"
        try:
            VALIDATORS[kind](ContentFile(data, name=relpath))
        except ValidationError as error:
            return f"file {_brief(value)}: {' '.join(error.messages)}"
        self.media[relpath] = data
        return None


# --- helpers shared with the importer -------------------------------------------------------


def _items(parent: Any, key: str) -> Iterator[tuple[int, dict]]:
    children = parent.get(key) if isinstance(parent, dict) else None
    if isinstance(children, list):
        for index, child in enumerate(children):
            if isinstance(child, dict):
                yield index, child


def _lessons(course: dict) -> Iterator[tuple[Path, dict]]:
    for s, section in _items(course, "sections"):
        for u, unit in _items(section, "units"):
            for i, lesson in _items(unit, "lessons"):
                yield ("course", "sections", s, "units", u, "lessons", i), lesson


def _spec(exercise: dict) -> ExerciseSpec:
    return ExerciseSpec(
        type=exercise["type"],
        prompt=exercise.get("prompt", ""),
        answers=tuple(exercise.get("answers", ())),
        tiles=tuple(exercise.get("tiles", ())),
        pairs=tuple(tuple(pair) for pair in exercise.get("pairs", ())),
        options=tuple(
            (option.get("text", ""), bool(option.get("correct", False)))
            for option in exercise.get("options", ())
        ),
        has_audio=bool(exercise.get("audio")),
    )


def prerequisite_edges(lessons) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """Who needs whom, in course order: `requires` when given, else the lesson before.

    Returns the edges and, apart, the explicit ones (to tell an editor which `requires` to fix).
    """
    edges: dict[str, list[str]] = {}
    explicit: dict[str, set[str]] = {}
    previous = None
    for lesson in lessons:
        slug = lesson.get("slug")
        if not isinstance(slug, str) or slug in edges:
            continue
        requires = lesson.get("requires")
        # The schema reports a `requires` that is not a list; here it counts as none given.
        requires = [r for r in requires if isinstance(r, str)] if isinstance(requires, list) else []
        if requires:
            edges[slug] = requires
            explicit[slug] = set(requires)
        else:
            edges[slug] = [previous] if previous else []
        previous = slug
    return edges, explicit


# --- schema messages ------------------------------------------------------------------------


def _schema_messages(error: SchemaError) -> list[tuple[Path, str]]:
    """A schema error in an editor's words, at the place it concerns."""
    path = tuple(error.absolute_path)
    rule, expected, found = error.validator, error.validator_value, error.instance
    if rule == "required":
        match = _REQUIRED.match(error.message)
        name = match["name"] if match else None
        if name and "then" in error.absolute_schema_path and isinstance(found, dict):
            if "type" not in found:
                return []  # without a type every type's `then` applies; "needs 'type'" says it
            return [(path, f"{found.get('type')} needs {name!r}")]
        return [(path, f"missing required field {name!r}" if name else error.message)]
    if rule == "additionalProperties" and isinstance(found, dict):
        known = error.schema.get("properties", {})
        return [(path, f"unknown field {_brief(name)}") for name in found if name not in known]
    message = {
        "const": lambda: f"must be {json.dumps(expected)}, not {_show(found)}",
        "enum": lambda: f"must be one of {', '.join(map(str, expected))} (not {_show(found)})",
        "type": lambda: f"must be {_article(expected)} (not {_json_type(found)})",
        "pattern": lambda: f"{_show(found)} is not valid: {_pattern_hint(error)}",
        "minItems": lambda: f"needs at least {expected} item{'s' * (expected != 1)}",
        "maxItems": lambda: f"takes at most {expected} item{'s' * (expected != 1)}",
        "minLength": lambda: (
            "must not be empty" if expected == 1 else f"needs at least {expected} characters"
        ),
        "maxLength": lambda: f"must be at most {expected} characters (it has {len(found)})",
        "minimum": lambda: f"must be at least {expected} (not {_show(found)})",
        "maximum": lambda: f"must be at most {expected} (not {_show(found)})",
        "uniqueItems": lambda: "lists the same value twice",
    }.get(rule)
    return [(path, message() if message else error.message)]


def _pattern_hint(error: SchemaError) -> str:
    definitions = pack_schema()["$defs"]
    if error.validator_value == definitions["slug"]["pattern"]:
        return _PATTERN_HINTS["slug"]
    if error.validator_value == definitions["language"]["properties"]["code"]["pattern"]:
        return _PATTERN_HINTS["code"]
    if error.absolute_path and error.absolute_path[-1] == "color":
        return _PATTERN_HINTS["color"]
    return f"it must match {error.validator_value}"


def _brief(value: str) -> str:
    """`value` quoted for a message and cut short: a pack's strings may be megabytes long."""
    return repr(value if len(value) <= 80 else f"{value[:79]}…")


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)[:80]


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return {str: "a string", list: "an array", dict: "an object", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _article(kind: Any) -> str:
    kinds = kind if isinstance(kind, list) else [kind]
    return " or ".join(f"an {k}" if k[0] in "aeiou" else f"a {k}" for k in kinds)
