"""A course as a pack, in canonical form: what importing that pack back would reproduce.

`pack_canonical` is the one definition of that form (empty optional fields left out, defaults
written out, words sorted by text, `requires` in course order), and export goes through it, so
"export after import" equals "canonical form of what was imported" by construction of one
function rather than two that must agree.
"""

import copy
import io
import json
import zipfile
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Prefetch

from courses.models import Course, Exercise, ExerciseOption, Language, Lesson, Section, Unit, Word
from courses.packs.loading import PACK_FILE_NAME
from courses.packs.problems import PackError
from courses.packs.storage import media_pack_path
from courses.packs.validation import FORMAT
from exercises.rules import USES

_DEFAULTS = {
    "xp_reward": Lesson._meta.get_field("xp_reward").default,
    "pass_score": Lesson._meta.get_field("pass_score").default,
    "color": Unit._meta.get_field("color").default,
}


def course_pack_export(*, course: Course) -> dict[str, Any]:
    """The course as a pack dict; media are named by their paths relative to the pack."""
    return _Exporter(course).pack()


def course_pack_export_media(*, course: Course) -> tuple[dict[str, Any], dict[str, str]]:
    """The pack, and the media files it names: path in the pack → name in the media store."""
    exporter = _Exporter(course)
    return exporter.pack(), exporter.media


def course_pack_dumps(pack: dict[str, Any]) -> str:
    return json.dumps(pack, ensure_ascii=False, indent=2) + "\n"


def course_pack_zip(*, course: Course) -> bytes:
    """The pack and its media in one zip, as the importer accepts it: pack.json at the top."""
    pack, media = course_pack_export_media(course=course)
    missing = [path for path, name in media.items() if not default_storage.exists(name)]
    if missing:
        raise PackError(
            [(path, "the file is missing from the media store; replace it") for path in missing]
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PACK_FILE_NAME, course_pack_dumps(pack))
        for path, name in sorted(media.items()):
            with default_storage.open(name, "rb") as file:
                archive.writestr(path, file.read())
    return buffer.getvalue()


class _Exporter:
    def __init__(self, course: Course):
        self.course = course
        self.media: dict[str, str] = {}

    def pack(self) -> dict[str, Any]:
        course = self.course
        lessons = Lesson.objects.order_by("position").prefetch_related(
            Prefetch("prerequisites", queryset=Lesson.objects.only("id", "slug")),
            Prefetch("words", queryset=Word.objects.order_by("text")),
            Prefetch(
                "exercises",
                queryset=Exercise.objects.order_by("position").prefetch_related(
                    Prefetch("options", queryset=ExerciseOption.objects.order_by("position")),
                    Prefetch("words", queryset=Word.objects.only("id", "text")),
                ),
            ),
        )
        units = Unit.objects.order_by("position").prefetch_related(
            Prefetch("lessons", queryset=lessons)
        )
        sections = list(
            Section.objects.filter(course=course)
            .order_by("position")
            .prefetch_related(Prefetch("units", queryset=units))
        )
        languages = {
            language.pk: language
            for language in Language.objects.filter(
                pk__in=[course.learning_language_id, course.from_language_id]
            )
        }
        all_lessons = [
            lesson
            for section in sections
            for unit in section.units.all()
            for lesson in unit.lessons.all()
        ]
        strays = self._words_without_lesson(all_lessons)
        raw = {
            "format": FORMAT,
            "course": {
                "slug": course.slug,
                "title": course.title,
                "description": course.description,
                "learning_language": _language(languages[course.learning_language_id]),
                "from_language": _language(languages[course.from_language_id]),
                "sections": [
                    {
                        "title": section.title,
                        "description": section.description,
                        "cefr_level": section.cefr_level,
                        "units": [
                            {
                                "title": unit.title,
                                "description": unit.description,
                                "guidebook": unit.guidebook,
                                "color": unit.color,
                                "icon": unit.icon,
                                "lessons": [
                                    self._lesson(lesson, strays.get(lesson.pk, []))
                                    for lesson in unit.lessons.all()
                                ],
                            }
                            for unit in section.units.all()
                        ],
                    }
                    for section in sections
                ],
            },
        }
        return pack_canonical(raw)

    def _words_without_lesson(self, lessons: list[Lesson]) -> dict[int, list[Word]]:
        """Words no lesson teaches still belong to the course: the pack puts each in the first
        lesson practising it (else the first lesson), which will teach it after an import."""
        strays = list(Word.objects.filter(course=self.course, lesson__isnull=True))
        if not strays or not lessons:
            return {}
        first_use: dict[int, int] = {}
        for lesson in lessons:
            for exercise in lesson.exercises.all():
                for word in exercise.words.all():
                    first_use.setdefault(word.pk, lesson.pk)
        placed: dict[int, list[Word]] = {}
        for word in strays:
            placed.setdefault(first_use.get(word.pk, lessons[0].pk), []).append(word)
        return placed

    def _lesson(self, lesson: Lesson, strays: list[Word]) -> dict[str, Any]:
        return {
            "slug": lesson.slug,
            "title": lesson.title,
            "xp_reward": lesson.xp_reward,
            "pass_score": lesson.pass_score,
            "requires": [other.slug for other in lesson.prerequisites.all()],
            "words": [self._word(word) for word in [*lesson.words.all(), *strays]],
            "exercises": [self._exercise(exercise) for exercise in lesson.exercises.all()],
        }

    def _word(self, word: Word) -> dict[str, Any]:
        return {
            "text": word.text,
            "translations": list(word.translations),
            "part_of_speech": word.part_of_speech,
            "audio": self._file(word.audio),
            "image": self._file(word.image),
            "notes": word.notes,
        }

    def _exercise(self, exercise: Exercise) -> dict[str, Any]:
        data = {
            "key": exercise.key,
            "type": exercise.type,
            "prompt": exercise.prompt,
            "hint": exercise.hint,
            "explanation": exercise.explanation,
            "audio": self._file(exercise.audio),
            "image": self._file(exercise.image),
            "words": [word.text for word in exercise.words.all()],
        }
        if exercise.answer_language:
            data["answer_language"] = exercise.answer_language
        # A row saved before the admin refused them may hold solution fields its type never
        # reads; the importer refuses a pack carrying one, so they stay out.
        uses = USES.get(exercise.type, frozenset())
        if "options" in uses:
            data["options"] = [
                {
                    "text": option.text,
                    "correct": option.is_correct,
                    "image": self._file(option.image),
                    "audio": self._file(option.audio),
                }
                for option in exercise.options.all()
            ]
        if "answers" in uses:
            data["answers"] = list(exercise.answers)
        if "tiles" in uses:
            data["tiles"] = list(exercise.tiles)
        if "pairs" in uses:
            data["pairs"] = [list(pair) for pair in exercise.pairs]
        return data

    def _file(self, file) -> str:
        if not file:
            return ""
        path = media_pack_path(file.name)
        if self.media.setdefault(path, file.name) != file.name:
            # Two different stored files under one pack path: the second keeps its store name.
            path = file.name
            self.media[path] = file.name
        return path


def _language(language: Language) -> dict[str, Any]:
    return {
        "code": language.code,
        "name": language.name,
        "native_name": language.native_name,
        "rtl": language.rtl,
    }


def pack_canonical(pack: dict[str, Any]) -> dict[str, Any]:
    """The pack as an export of the course it imports to would write it (for a valid pack)."""
    course = pack["course"]
    order = {
        lesson["slug"]: index
        for index, lesson in enumerate(
            lesson
            for section in course["sections"]
            for unit in section["units"]
            for lesson in unit["lessons"]
        )
    }
    language = ("code", "name", "native_name", "rtl")
    return {
        "format": pack["format"],
        "course": _kept(
            course,
            ("slug", "title", "description", "learning_language", "from_language", "sections"),
            learning_language=_kept(course["learning_language"], language),
            from_language=_kept(course["from_language"], language),
            sections=[_section_canonical(section, order) for section in course["sections"]],
        ),
    }


def _section_canonical(section: dict[str, Any], order: dict[str, int]) -> dict[str, Any]:
    return _kept(
        section,
        ("title", "description", "cefr_level", "units"),
        units=[
            _kept(
                unit,
                ("title", "description", "guidebook", "color", "icon", "lessons"),
                color=unit.get("color") or _DEFAULTS["color"],
                lessons=[_lesson_canonical(lesson, order) for lesson in unit["lessons"]],
            )
            for unit in section["units"]
        ],
    )


def _lesson_canonical(lesson: dict[str, Any], order: dict[str, int]) -> dict[str, Any]:
    requires = sorted(set(lesson.get("requires") or ()), key=lambda slug: order.get(slug, -1))
    words = sorted(lesson.get("words") or (), key=lambda word: word["text"])
    word_fields = ("text", "translations", "part_of_speech", "audio", "image", "notes")
    return _kept(
        lesson,
        ("slug", "title", "xp_reward", "pass_score", "requires", "words", "exercises"),
        xp_reward=lesson.get("xp_reward", _DEFAULTS["xp_reward"]),
        pass_score=lesson.get("pass_score", _DEFAULTS["pass_score"]),
        requires=requires,
        words=[_kept(word, word_fields) for word in words],
        exercises=[_exercise_canonical(exercise) for exercise in lesson["exercises"]],
    )


def _exercise_canonical(exercise: dict[str, Any]) -> dict[str, Any]:
    fields = ("key", "type", "prompt", "hint", "explanation", "audio", "image", "words")
    fields = (*fields, "answer_language")
    return _kept(
        exercise,
        (*fields, "options", "answers", "tiles", "pairs"),
        words=sorted(set(exercise.get("words") or ())),
        options=[
            _kept(option, ("text", "correct", "image", "audio"))
            for option in exercise.get("options") or ()
        ],
        pairs=[list(pair) for pair in exercise.get("pairs") or ()],
    )


def _kept(source: dict[str, Any], order: tuple[str, ...], **computed: Any) -> dict[str, Any]:
    """These fields, in this order, from `computed` or else `source`, leaving out empty ones and
    False: to the importer an absent field means the same as an empty one."""
    result = {}
    for name in order:
        value = computed[name] if name in computed else source.get(name)
        if value is None or value is False or (isinstance(value, str | list | dict) and not value):
            continue
        result[name] = value if name in computed else copy.deepcopy(value)
    return result
