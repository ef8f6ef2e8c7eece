"""Writing a valid pack into the database: create the course, or update it in place.

Identity is what learners' progress hangs on, so the importer keeps every row it can:
sections and units are matched by position, lessons by slug (even when moved to another unit),
words by text, exercises by key within their lesson (an exercise without a key by its position;
a keyed one that matches no key takes the keyless exercise of its type at its position, so adding
keys to a pack keeps ids). Whatever the pack no longer holds is deleted.

Nothing is saved unless it changed: each row is compared with the pack first, so importing the
same pack twice writes nothing and the history records no empty changes. Options of an exercise
are replaced only when they changed. The course's status and version are left alone: version
counts publishes (the publish action owns it), and an import is not a publish.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import default_storage
from django.db import models
from django.db.models import F, Prefetch
from django.db.models.fields.files import FieldFile

from courses.models import Course, Exercise, ExerciseOption, Language, Lesson, Section, Unit, Word
from courses.packs.storage import PREFIX, media_pack_path, media_storage_name, media_store
from courses.packs.validation import media_relpath

# Rows that change place are first parked at OFFSET + id, out of the way of the unique
# (parent, position) constraints, then given their final positions.
OFFSET = 1_000_000
CHANGE_REASON = "Imported from a course pack"
KINDS = ("language", "section", "unit", "lesson", "word", "exercise")
ACTIONS = ("created", "updated", "deleted")


@dataclass
class ImportReport:
    course: Course
    course_created: bool
    dry_run: bool = False
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    @property
    def changed(self) -> bool:
        return self.course_created or any(sum(c.values()) for c in self.counts.values())

    def summary(self) -> str:
        name = f"course “{self.course.title}” ({self.course.slug})"
        if self.course_created:
            totals = [
                _plural(self.counts[kind]["created"], kind)
                for kind in KINDS[1:]
                if self.counts[kind]["created"]
            ]
            text = f"Created {name}: {', '.join(totals)}."
        elif not self.changed:
            text = f"The {name} is already up to date: nothing changed."
        else:
            parts = []
            if self.counts["course"]["updated"]:
                parts.append("course details changed")
            for kind in KINDS:
                done = [
                    f"{self.counts[kind][action]} {action}"
                    for action in ACTIONS
                    if self.counts[kind][action]
                ]
                if done:
                    parts.append(f"{kind}s: {', '.join(done)}")
            text = f"Updated {name}: {'; '.join(parts)}."
        return f"{text} (Dry run: nothing was saved.)" if self.dry_run else text


class PackImporter:
    def __init__(
        self,
        pack: dict,
        media: dict[str, bytes],
        *,
        by=None,
        store_media=True,
        reused: dict[str, str] | None = None,
    ):
        self.data = pack["course"]
        self.media = media
        # Pack path → stored name of the files the pack names without carrying them, which the
        # course already holds (see `MediaSource`): rows point at them as they are.
        self.reused = reused or {}
        self.by = by
        self.store_media = store_media
        self.report: ImportReport
        self._stored: set[str] = set()
        self._holding: dict[str, bool] = {}
        self._created_lessons: set[int] = set()
        self._updated: set[tuple[str, int | None]] = set()

    def run(self) -> ImportReport:
        data = self.data
        course = Course.objects.select_for_update().filter(slug=data["slug"]).first()
        course = course or Course(slug=data["slug"])
        self.report = ImportReport(course=course, course_created=course.pk is None)
        learning = self._language(data["learning_language"])
        source = self._language(data["from_language"])
        self._sync(
            course,
            "course",
            title=data["title"],
            description=data.get("description", ""),
            learning_language_id=learning.pk,
            from_language_id=source.pk,
        )
        units, extra_units, extra_sections = self._sections(course)
        lessons = self._lessons(course, units)
        words = self._words(course, lessons)
        self._exercises(lessons, words)
        self._prerequisites(lessons)
        # Last, once the lessons they held have moved to their new units.
        for row in [*extra_units, *extra_sections]:
            self._delete(row, "unit" if isinstance(row, Unit) else "section")
        return self.report

    # --- the tree, top down -----------------------------------------------------------------

    def _language(self, data: dict) -> Language:
        language, created = Language.objects.get_or_create(
            code=data["code"],
            defaults={
                "name": data["name"],
                "native_name": data.get("native_name", ""),
                "rtl": data.get("rtl", False),
            },
        )
        if created:
            self.report_count("language", "created")
        return language

    def _sections(self, course: Course):
        """Sections and units matched by position; returns the units for each pack unit."""
        existing = list(course.sections.order_by("position")) if course.pk else []
        wanted = self.data["sections"]
        sections = existing[: len(wanted)]
        extra_sections = existing[len(wanted) :]
        self._park(Section, zip(sections, range(1, len(wanted) + 1), strict=False), extra_sections)
        sections += [Section(course=course) for _ in range(len(wanted) - len(sections))]
        all_units = defaultdict(list)
        for unit in Unit.objects.filter(section__in=[s for s in sections if s.pk]).order_by(
            "position"
        ):
            all_units[unit.section_id].append(unit)
        result: list[list[Unit]] = []
        extra_units: list[Unit] = []
        for position, (section, section_data) in enumerate(
            zip(sections, wanted, strict=True), start=1
        ):
            self._sync(
                section,
                "section",
                course_id=course.pk,
                position=position,
                title=section_data["title"],
                description=section_data.get("description", ""),
                cefr_level=section_data.get("cefr_level", ""),
            )
            existing_units = all_units.get(section.pk, [])
            wanted_units = section_data["units"]
            units = existing_units[: len(wanted_units)]
            extra = existing_units[len(wanted_units) :]
            self._park(Unit, zip(units, range(1, len(units) + 1), strict=False), extra)
            units += [Unit() for _ in range(len(wanted_units) - len(units))]
            for unit_position, (unit, unit_data) in enumerate(
                zip(units, wanted_units, strict=True), start=1
            ):
                self._sync(
                    unit,
                    "unit",
                    section_id=section.pk,
                    position=unit_position,
                    title=unit_data["title"],
                    description=unit_data.get("description", ""),
                    guidebook=unit_data.get("guidebook", ""),
                    color=unit_data.get("color", Unit._meta.get_field("color").default),
                    icon=unit_data.get("icon", ""),
                )
            result.append(units)
            extra_units += extra
        return result, extra_units, extra_sections

    def _lessons(self, course: Course, units: list[list[Unit]]) -> list[tuple[Lesson, dict]]:
        existing = {
            lesson.slug: lesson
            for lesson in Lesson.objects.filter(course=course).prefetch_related(
                Prefetch("prerequisites", queryset=Lesson.objects.only("id"))
            )
        }
        targets = []  # (lesson data, unit, position)
        for section_data, section_units in zip(self.data["sections"], units, strict=True):
            for unit_data, unit in zip(section_data["units"], section_units, strict=True):
                for position, lesson_data in enumerate(unit_data["lessons"], start=1):
                    targets.append((lesson_data, unit, position))
        kept = {lesson_data["slug"] for lesson_data, _, _ in targets}
        for slug, lesson in existing.items():
            if slug not in kept:
                self._delete(lesson, "lesson")
        moving = [
            existing[data["slug"]].pk
            for data, unit, position in targets
            if data["slug"] in existing
            and (existing[data["slug"]].unit_id, existing[data["slug"]].position)
            != (unit.pk, position)
        ]
        self._park_ids(Lesson, moving)
        result = []
        for lesson_data, unit, position in targets:
            lesson = existing.get(lesson_data["slug"]) or Lesson(slug=lesson_data["slug"])
            self._sync(
                lesson,
                "lesson",
                course_id=course.pk,
                unit_id=unit.pk,
                position=position,
                title=lesson_data["title"],
                xp_reward=lesson_data.get("xp_reward", Lesson._meta.get_field("xp_reward").default),
                pass_score=lesson_data.get(
                    "pass_score", Lesson._meta.get_field("pass_score").default
                ),
            )
            result.append((lesson, lesson_data))
        return result

    def _words(self, course: Course, lessons: list[tuple[Lesson, dict]]) -> dict[str, Word]:
        existing = {word.text: word for word in Word.objects.filter(course=course)}
        wanted = {}
        for lesson, lesson_data in lessons:
            for word_data in lesson_data.get("words", ()):
                wanted[word_data["text"]] = (lesson, word_data)
        for text, word in existing.items():
            if text not in wanted:
                self._delete(word, "word")
        result = {}
        for text, (lesson, word_data) in wanted.items():
            word = existing.get(text) or Word(course_id=course.pk, text=text)
            self._sync(
                word,
                "word",
                lesson_id=lesson.pk,
                translations=list(word_data["translations"]),
                part_of_speech=word_data.get("part_of_speech", ""),
                audio=self._media(word_data.get("audio"), word.audio),
                image=self._media(word_data.get("image"), word.image),
                notes=word_data.get("notes", ""),
            )
            result[text] = word
        return result

    def _exercises(self, lessons: list[tuple[Lesson, dict]], words: dict[str, Word]) -> None:
        existing = defaultdict(list)
        rows = Exercise.objects.filter(lesson__in=[lesson for lesson, _ in lessons])
        rows = rows.order_by("lesson_id", "position").prefetch_related(
            Prefetch("options", queryset=ExerciseOption.objects.order_by("position")),
            Prefetch("words", queryset=Word.objects.only("id")),
        )
        for exercise in rows:
            existing[exercise.lesson_id].append(exercise)
        for lesson, lesson_data in lessons:
            current = existing.get(lesson.pk, [])
            matched = _match_exercises(current, lesson_data["exercises"])
            matched_ids = {exercise.pk for exercise in matched if exercise is not None}
            for exercise in current:
                if exercise.pk not in matched_ids:
                    self._delete(exercise, "exercise")
            self._park_ids(
                Exercise,
                [
                    exercise.pk
                    for position, exercise in enumerate(matched, start=1)
                    if exercise is not None and exercise.position != position
                ],
            )
            for position, (exercise, data) in enumerate(
                zip(matched, lesson_data["exercises"], strict=True), start=1
            ):
                self._exercise(exercise or Exercise(lesson_id=lesson.pk), position, data, words)

    def _exercise(self, exercise: Exercise, position: int, data: dict, words) -> None:
        created = exercise.pk is None
        changed = self._sync(
            exercise,
            "exercise",
            position=position,
            key=data.get("key", ""),
            type=data["type"],
            prompt=data.get("prompt", ""),
            hint=data.get("hint", ""),
            explanation=data.get("explanation", ""),
            audio=self._media(data.get("audio"), exercise.audio),
            image=self._media(data.get("image"), exercise.image),
            answers=list(data.get("answers", ())),
            tiles=list(data.get("tiles", ())),
            pairs=[list(pair) for pair in data.get("pairs", ())],
            answer_language=data.get("answer_language", ""),
            count=False,
        )
        word_ids = {words[text].pk for text in data.get("words", ())}
        current_words = set() if created else {word.pk for word in exercise.words.all()}
        if word_ids != current_words:
            self._annotate(exercise)
            exercise.words.set(word_ids)
            changed = True
        rows = [] if created else list(exercise.options.all())
        options = [
            (
                option["text"],
                bool(option.get("correct", False)),
                self._media(option.get("image"), rows[index].image if index < len(rows) else None),
                self._media(option.get("audio"), rows[index].audio if index < len(rows) else None),
            )
            for index, option in enumerate(data.get("options", ()))
        ]
        current = [
            (option.text, option.is_correct, option.image.name or "", option.audio.name or "")
            for option in rows
        ]
        if options != current:
            if not created:
                exercise.options.all().delete()
            for option_position, (text, correct, image, audio) in enumerate(options, start=1):
                option = ExerciseOption(
                    exercise=exercise,
                    position=option_position,
                    text=text,
                    is_correct=correct,
                    image=image,
                    audio=audio,
                )
                self._annotate(option)
                option.save()
            changed = True
        if created:
            self.report_count("exercise", "created")
        elif changed:
            self.report_count("exercise", "updated", exercise.pk)

    def _prerequisites(self, lessons: list[tuple[Lesson, dict]]) -> None:
        by_slug = {lesson.slug: lesson for lesson, _ in lessons}
        for lesson, data in lessons:
            wanted = {by_slug[slug].pk for slug in data.get("requires", ())}
            created = lesson.pk in self._created_lessons
            current = set() if created else {other.pk for other in lesson.prerequisites.all()}
            if wanted != current:
                self._annotate(lesson)
                lesson.prerequisites.set(wanted)
                if not created:
                    self.report_count("lesson", "updated", lesson.pk)

    # --- writing, only what changed ---------------------------------------------------------

    def _sync(self, row: models.Model, kind: str, *, count: bool = True, **values: Any) -> bool:
        """Give `row` these values and save it, only if it is new or one of them differs."""
        created = row.pk is None
        changed = [name for name, value in values.items() if _current(row, name) != value]
        if not created and not changed:
            return False
        for name in changed:
            setattr(row, name, values[name])
        self._annotate(row)
        row.save()
        if kind == "lesson" and created:
            self._created_lessons.add(row.pk)
        if count:
            self.report_count(kind, "created" if created else "updated", row.pk)
        return True

    def _delete(self, row: models.Model, kind: str) -> None:
        self._annotate(row)
        row.delete()
        self.report_count(kind, "deleted")

    def _annotate(self, row: models.Model) -> None:
        row._history_user = self.by
        row._change_reason = CHANGE_REASON

    def _park(self, model, matched, extra) -> None:
        moving = [row.pk for row, position in matched if row.position != position]
        self._park_ids(model, moving + [row.pk for row in extra])

    @staticmethod
    def _park_ids(model: type[models.Model], ids: list[int]) -> None:
        # A plain UPDATE: a parked position is never seen outside this transaction, so it is no
        # change worth a history row; the final save records the move.
        if ids:
            model.objects.filter(pk__in=ids).update(position=F("id") + OFFSET)

    def _media(self, value: str | None, current: FieldFile | None) -> str:
        """The file name a row should hold for the pack's `value`, stored if need be."""
        if not value:
            return ""
        relpath = media_relpath(value)
        if relpath in self.reused:
            return self.reused[relpath]
        data = self.media[relpath]
        current_name = current.name if current else ""
        # A file uploaded in the admin is exported under its own name; the same file coming back
        # keeps it, so exporting and importing a course changes nothing.
        if (
            current_name
            and not current_name.startswith(f"{PREFIX}/")
            and media_pack_path(current_name) == relpath
            and self._holds(current_name, data)
        ):
            return current_name
        name = media_storage_name(relpath, data)
        if self.store_media and name not in self._stored:
            media_store(name, data)  # also puts back a file lost from the store
            self._stored.add(name)
        return name

    def _holds(self, name: str, data: bytes) -> bool:
        if name not in self._holding:
            try:
                with default_storage.open(name, "rb") as file:
                    self._holding[name] = file.read(len(data) + 1) == data
            except OSError:
                self._holding[name] = False
        return self._holding[name]

    def report_count(self, kind: str, action: str, pk: int | None = None) -> None:
        if action == "updated":
            if (kind, pk) in self._updated:
                return
            self._updated.add((kind, pk))
        self.report.counts[kind][action] += 1


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _current(row: models.Model, name: str) -> Any:
    value = getattr(row, name)
    return (value.name or "") if isinstance(value, FieldFile) else value


def _match_exercises(current: list[Exercise], wanted: list[dict]) -> list[Exercise | None]:
    """For each exercise of the pack, the row it updates (or None for a new one)."""
    by_key = {exercise.key: exercise for exercise in current if exercise.key}
    matched: list[Exercise | None] = []
    for index, data in enumerate(wanted):
        key = data.get("key", "")
        exercise = by_key.get(key) if key else None
        if exercise is None and index < len(current) and not current[index].key:
            by_position = current[index]
            # A new key on a keyless exercise keeps it; a new exercise with a key does not take
            # over a removed exercise of another type that happened to sit at its position.
            if not key or by_position.type == data["type"]:
                exercise = by_position
        matched.append(exercise)
    return matched
