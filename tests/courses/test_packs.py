"""Course packs: validation with places, import that keeps ids, export, round trip, the demo."""

import io
import json
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import filetype
import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator

from courses.models import (
    Course,
    CourseStatus,
    Exercise,
    ExerciseOption,
    Language,
    Lesson,
    Section,
    Unit,
    Word,
)
from courses.packs import (
    PackError,
    course_pack_export,
    course_pack_import,
    course_pack_validate,
    course_pack_zip,
    loading,
    pack_canonical,
    pack_load_path,
    pack_load_upload,
    pack_schema,
)
from courses.packs.importer import PackImporter
from courses.services import course_publish
from tests.accounts.factories import UserFactory
from tests.courses.factories import build_course
from tests.courses.pack_fixtures import (
    HOLA_AUDIO,
    lesson_of,
    make_pack,
    make_png,
    make_wav,
    pack_files,
)

pytestmark = pytest.mark.django_db

DEMO_PACK = Path(settings.BASE_DIR) / "courses" / "demo" / "es-from-en" / "pack.json"
G1 = "course.sections[0].units[0].lessons[0]"
G2 = "course.sections[0].units[0].lessons[1]"
FOOD = "course.sections[0].units[1].lessons[0]"


def import_pack(pack=None, files=None, **kwargs):
    return course_pack_import(
        pack=make_pack() if pack is None else pack,
        files=pack_files() if files is None else files,
        **kwargs,
    )


def row_counts() -> dict[str, int]:
    """Rows of every table of the courses app: content, history and many-to-many tables."""
    models = apps.get_app_config("courses").get_models(include_auto_created=True)
    return {model._meta.label: model._default_manager.count() for model in models}


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if query["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]


# --- the schema -----------------------------------------------------------------------------


def test_the_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(pack_schema())


def test_the_fixture_pack_is_valid():
    assert course_pack_validate(pack=make_pack(), files=pack_files()) == []


# --- import ---------------------------------------------------------------------------------


def test_import_creates_the_whole_course():
    report = import_pack()

    course = Course.objects.get(slug="es-from-en")
    assert report.course_created and report.course == course
    assert course.status == CourseStatus.DRAFT
    assert (course.learning_language.code, course.from_language.code) == ("es", "en")
    assert list(Section.objects.filter(course=course).values_list("title", flat=True)) == ["Basics"]
    assert list(Unit.objects.filter(section__course=course).values_list("title", "position")) == [
        ("Greetings", 1),
        ("Food", 2),
    ]
    assert list(course.lessons.values_list("slug", "unit__title", "position")) == [
        ("greetings-1", "Greetings", 1),
        ("greetings-2", "Greetings", 2),
        ("food-1", "Food", 1),
    ]
    food = course.lessons.get(slug="food-1")
    assert [lesson.slug for lesson in food.prerequisites.all()] == ["greetings-2"]
    assert food.xp_reward == 15
    assert set(course.words.values_list("text", "lesson__slug")) == {
        ("hola", "greetings-1"),
        ("adiós", "greetings-1"),
        ("noches", "greetings-2"),
        ("pan", "food-1"),
    }
    choice = Exercise.objects.get(key="mc-hello")
    assert list(choice.options.values_list("text", "is_correct", "position")) == [
        ("hola", True, 1),
        ("adiós", False, 2),
        ("gracias", False, 3),
    ]
    assert [word.text for word in choice.words.all()] == ["hola"]
    assert report.summary() == (
        "Created course “Spanish for English speakers” (es-from-en): 1 section, 2 units, "
        "3 lessons, 4 words, 7 exercises."
    )


def test_import_copies_media_into_the_store_under_a_content_hash_name():
    import_pack()

    listening = Exercise.objects.get(type="listen_type")
    hola = Word.objects.get(text="hola")
    assert listening.audio.name.startswith("packs/")
    assert listening.audio.name.endswith("/" + HOLA_AUDIO)
    assert listening.audio.read() == pack_files()[HOLA_AUDIO]
    assert hola.image.name.endswith("/images/hola.png")


def test_importing_media_again_stores_no_new_file():
    import_pack()
    stored = media_files()

    import_pack(make_pack(title="Spanish, again"))

    assert media_files() == stored
    assert len(stored) == 2


def test_new_languages_are_created_and_existing_ones_reused():
    spanish = Language.objects.create(code="es", name="Español")

    import_pack()

    assert Language.objects.count() == 2
    assert Course.objects.get().learning_language == spanish
    assert Language.objects.get(code="en").name == "English"


def test_the_import_records_who_made_each_change():
    editor = UserFactory()

    import_pack(by=editor)

    record = Lesson.history.filter(slug="food-1").latest("history_date")
    assert record.history_user == editor
    assert record.history_change_reason == "Imported from a course pack"


def test_a_dry_run_reports_the_changes_and_saves_nothing():
    before = row_counts()

    report = import_pack(dry_run=True)

    assert report.course_created
    assert report.summary().endswith("(Dry run: nothing was saved.)")
    assert row_counts() == before
    assert media_files() == []


# --- idempotence and updates ----------------------------------------------------------------


def test_importing_the_same_pack_twice_writes_nothing_the_second_time():
    import_pack()
    course = Course.objects.get()
    before = row_counts()

    with CaptureQueriesContext(connection) as queries:
        report = import_pack()

    assert writes(queries.captured_queries) == []
    assert row_counts() == before
    course_after = Course.objects.get()
    assert course_after.updated_at == course.updated_at
    assert not report.changed
    assert report.summary() == (
        "The course “Spanish for English speakers” (es-from-en) is already up to date: "
        "nothing changed."
    )


def test_an_update_keeps_the_ids_of_what_it_keeps():
    import_pack()
    lesson_ids = dict(Lesson.objects.values_list("slug", "id"))
    exercise_ids = dict(Exercise.objects.values_list("key", "id"))
    listening_id = Exercise.objects.get(type="listen_type").pk
    word_ids = dict(Word.objects.values_list("text", "id"))
    pack = make_pack()
    greetings, food = pack["course"]["sections"][0]["units"]
    # Change a prompt, reorder exercises, remove one, add one, move a lesson to another unit.
    first = greetings["lessons"][0]
    first["exercises"][1]["prompt"] = "¡Hola!"
    first["exercises"] = [first["exercises"][1], first["exercises"][0], first["exercises"][2]]
    first["exercises"].append(
        {"key": "tr-goodbye", "type": "translate", "prompt": "Adiós", "answers": ["Goodbye"]}
    )
    food["lessons"].insert(0, greetings["lessons"].pop(1))

    report = import_pack(pack)

    lessons = {lesson.slug: lesson for lesson in Lesson.objects.select_related("unit")}
    assert {slug: lesson.pk for slug, lesson in lessons.items()} == lesson_ids
    assert (lessons["greetings-2"].unit.title, lessons["greetings-2"].position) == ("Food", 1)
    assert (lessons["food-1"].unit.title, lessons["food-1"].position) == ("Food", 2)
    hello = Exercise.objects.filter(lesson=lessons["greetings-1"]).order_by("position")
    assert [(e.key, e.position) for e in hello] == [
        ("tr-hello", 1),
        ("mc-hello", 2),
        ("", 3),
        ("tr-goodbye", 4),
    ]
    kept = {key: exercise_ids[key] for key in ("tr-hello", "mc-hello", "wb-night", "fb-days")}
    assert {e.key: e.pk for e in Exercise.objects.filter(key__in=kept)} == kept
    assert Exercise.objects.get(key="tr-hello").prompt == "¡Hola!"
    assert not Exercise.objects.filter(type="match_pairs").exists()
    assert Exercise.objects.get(type="listen_type").pk == listening_id
    assert dict(Word.objects.values_list("text", "id")) == word_ids
    assert report.counts["exercise"] == {"created": 1, "updated": 2, "deleted": 1}
    assert report.counts["lesson"]["updated"] == 2


def test_a_lesson_can_take_the_place_of_another_in_the_same_update():
    import_pack()
    ids = dict(Lesson.objects.values_list("slug", "id"))
    pack = make_pack()
    greetings = pack["course"]["sections"][0]["units"][0]
    greetings["lessons"].reverse()

    import_pack(pack)

    assert list(Lesson.objects.filter(unit__title="Greetings").values_list("slug", "id")) == [
        ("greetings-2", ids["greetings-2"]),
        ("greetings-1", ids["greetings-1"]),
    ]


def test_exercises_without_a_key_are_matched_by_position():
    import_pack()
    listening = Exercise.objects.get(type="listen_type")
    pack = make_pack()
    lesson_of(pack, "greetings-1")["exercises"][2]["answers"] = ["hola", "ola"]

    import_pack(pack)

    listening_after = Exercise.objects.get(type="listen_type")
    assert listening_after.pk == listening.pk
    assert listening_after.answers == ["hola", "ola"]


def test_giving_keys_to_exercises_that_had_none_keeps_their_ids():
    import_pack()
    listening = Exercise.objects.get(type="listen_type")
    pack = make_pack()
    lesson_of(pack, "greetings-1")["exercises"][2]["key"] = "lt-hello"

    import_pack(pack)

    assert Exercise.objects.get(key="lt-hello").pk == listening.pk


def test_options_are_kept_when_they_did_not_change():
    import_pack()
    option_ids = list(ExerciseOption.objects.values_list("id", flat=True))
    pack = make_pack()
    lesson_of(pack, "greetings-1")["exercises"][0]["prompt"] = "Pick “hello”"

    import_pack(pack)

    assert list(ExerciseOption.objects.values_list("id", flat=True)) == option_ids


def test_options_are_replaced_when_they_changed():
    import_pack()
    pack = make_pack()
    lesson_of(pack, "greetings-1")["exercises"][0]["options"][2]["text"] = "buenas"

    import_pack(pack)

    choice = Exercise.objects.get(key="mc-hello")
    assert list(choice.options.values_list("text", flat=True)) == ["hola", "adiós", "buenas"]


def test_what_the_pack_no_longer_holds_is_deleted():
    import_pack()
    pack = make_pack()
    greetings = pack["course"]["sections"][0]["units"][0]
    pack["course"]["sections"][0]["units"] = [greetings]
    lesson_of(pack, "greetings-1")["words"].pop()  # adiós

    report = import_pack(pack)

    assert not Lesson.objects.filter(slug="food-1").exists()
    assert list(Unit.objects.values_list("title", flat=True)) == ["Greetings"]
    assert set(Word.objects.values_list("text", flat=True)) == {"hola", "noches"}
    assert report.counts["unit"]["deleted"] == 1
    assert report.counts["lesson"]["deleted"] == 1


def test_an_update_changes_prerequisites():
    import_pack()
    pack = make_pack()
    lesson_of(pack, "food-1")["requires"] = ["greetings-1"]

    import_pack(pack)

    food = Lesson.objects.get(slug="food-1")
    assert [lesson.slug for lesson in food.prerequisites.all()] == ["greetings-1"]


def test_import_leaves_the_status_and_version_of_a_published_course_alone():
    import_pack()
    Course.objects.update(status=CourseStatus.PUBLISHED, version=3)

    import_pack(make_pack(title="Spanish from English"))

    course = Course.objects.get()
    assert (course.title, course.status, course.version) == (
        "Spanish from English",
        CourseStatus.PUBLISHED,
        3,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_imports_creating_the_same_course_at_once_make_one_course(monkeypatch):
    # Both imports look the course up before either creates it, then race to insert it.
    both_looked = threading.Barrier(2, timeout=10)
    waited = set()
    language = PackImporter._language

    def language_after_both_looked(self, data):
        if threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            both_looked.wait()
        return language(self, data)

    monkeypatch.setattr(PackImporter, "_language", language_after_both_looked)
    reports, errors = [], []

    def run():
        try:
            reports.append(import_pack())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(report.course_created for report in reports) == [False, True]
    assert course_pack_export(course=Course.objects.get()) == pack_canonical(make_pack())


# --- export and round trip ------------------------------------------------------------------


def test_export_gives_the_canonical_form_of_the_imported_pack():
    report = import_pack()

    exported = course_pack_export(course=report.course)

    assert exported == pack_canonical(make_pack())
    assert course_pack_validate(pack=exported, files=pack_files()) == []


def test_a_pack_exported_with_its_media_imports_to_the_same_course_elsewhere():
    report = import_pack()
    exported = course_pack_export(course=report.course)
    archive = course_pack_zip(course=report.course)
    Course.objects.all().delete()

    loaded = pack_load_upload(archive)
    again = course_pack_import(pack=loaded.pack, files=loaded.files)

    assert course_pack_export(course=again.course) == exported


def test_export_then_import_changes_nothing():
    report = import_pack()
    exported = course_pack_export(course=report.course)
    before = row_counts()

    with CaptureQueriesContext(connection) as queries:
        course_pack_import(pack=exported, files=pack_files())

    assert writes(queries.captured_queries) == []
    assert row_counts() == before


def test_a_course_made_in_the_admin_exports_to_a_pack_that_imports_with_no_change():
    course = build_course(lessons=7, exercises_per_lesson=6, words_per_lesson=2)
    loaded = pack_load_upload(course_pack_zip(course=course))
    assert course_pack_validate(pack=loaded.pack, files=loaded.files) == []
    before = row_counts()

    with CaptureQueriesContext(connection) as queries:
        report = course_pack_import(pack=loaded.pack, files=loaded.files)

    assert writes(queries.captured_queries) == []
    assert row_counts() == before
    assert not report.changed
    assert report.course == course


def test_a_file_lost_from_the_media_store_is_put_back_by_the_next_import():
    import_pack()
    listening = Exercise.objects.get(type="listen_type")
    listening.audio.storage.delete(listening.audio.name)

    import_pack()

    assert listening.audio.storage.exists(listening.audio.name)


def test_export_leaves_out_solution_fields_the_type_does_not_read():
    course = build_course(lessons=1, exercises_per_lesson=1, published=False)
    # As the admin once saved a word bank turned into a translation: its tiles stayed.
    Exercise.objects.filter(lesson__course=course).update(tiles=["el", "pan"])

    pack = course_pack_export(course=course)

    [exercise] = pack["course"]["sections"][0]["units"][0]["lessons"][0]["exercises"]
    assert exercise["type"] == "translate"
    assert "tiles" not in exercise
    assert course_pack_validate(pack=pack) == []


def test_export_writes_defaults_and_leaves_out_empty_fields():
    report = import_pack()

    exported = course_pack_export(course=report.course)

    greetings = exported["course"]["sections"][0]["units"][0]
    first = greetings["lessons"][0]
    assert (first["xp_reward"], first["pass_score"]) == (10, 80)
    assert "requires" not in first
    assert first["exercises"][2] == {
        "type": "listen_type",
        "audio": HOLA_AUDIO,
        "answers": ["hola"],
    }
    assert exported["course"]["sections"][0]["units"][1]["color"] == "#58CC02"


# --- broken packs ---------------------------------------------------------------------------


def _set(path: str, value) -> Callable[[dict, dict], None]:
    """A change to the pack at a dotted path like `course.sections.0.title`."""

    def change(pack: dict, files: dict) -> None:
        *parents, last = path.split(".")
        target = pack
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


def _delete(path: str) -> Callable[[dict, dict], None]:
    def change(pack: dict, files: dict) -> None:
        *parents, last = path.split(".")
        target = pack
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[last]

    return change


def _both(*changes):
    def change(pack: dict, files: dict) -> None:
        for one in changes:
            one(pack, files)

    return change


def _replace_file(relpath: str, data: bytes):
    def change(pack: dict, files: dict) -> None:
        files[relpath] = data

    return change


L1 = "course.sections.0.units.0.lessons.0"
L2 = "course.sections.0.units.0.lessons.1"
L3 = "course.sections.0.units.1.lessons.0"

BROKEN = {
    "bad format": (
        _set("format", "course-pack/2"),
        "format",
        'must be "course-pack/1", not "course-pack/2"',
    ),
    "missing required field": (
        _delete(f"{L1}.title"),
        G1,
        "missing required field 'title'",
    ),
    "missing field a type needs": (
        _delete(f"{L1}.exercises.0.options"),
        f"{G1}.exercises[0]",
        "multiple_choice needs 'options'",
    ),
    "unknown field": (
        _set(f"{L1}.colour", "red"),
        G1,
        "unknown field 'colour'",
    ),
    "bad slug pattern": (
        _set(f"{L1}.slug", "Greetings 1"),
        f"{G1}.slug",
        '"Greetings 1" is not valid: use lowercase letters, digits and single hyphens, '
        'like "greetings-1"',
    ),
    "duplicate lesson slug": (
        _both(_set(f"{L3}.slug", "greetings-1"), _set(f"{L3}.requires", [])),
        f"{FOOD}.slug",
        f"lesson slug 'greetings-1' is already used by {G1}",
    ),
    "prerequisite to an unknown slug": (
        _set(f"{L3}.requires", ["nowhere-1"]),
        f"{FOOD}.requires[0]",
        "requires lesson 'nowhere-1', which is not in the pack",
    ),
    "prerequisite cycle": (
        _both(_set(f"{L1}.requires", ["greetings-2"]), _set(f"{L2}.requires", ["greetings-1"])),
        f"{G1}.requires",
        "prerequisites form a cycle: greetings-1 → greetings-2 → greetings-1",
    ),
    "prerequisite cycle through the lesson before": (
        _set(f"{L1}.requires", ["food-1"]),
        f"{G1}.requires",
        "prerequisites form a cycle: greetings-1 → food-1 → greetings-2 → greetings-1 "
        "(a lesson without requires needs the lesson before it)",
    ),
    "multiple choice with two correct options": (
        _set(f"{L1}.exercises.0.options.1.correct", True),
        f"{G1}.exercises[0]",
        "multiple_choice needs exactly one correct option (it has 2)",
    ),
    "word bank answer not made of its tiles": (
        _set(f"{L2}.exercises.0.answers", ["Buenas tardes"]),
        f"{G2}.exercises[0]",
        "word_bank answer 'Buenas tardes' needs tiles it lacks: tardes",
    ),
    "match pairs with the same side twice": (
        _set(f"{L1}.exercises.3.pairs", [["hola", "hello"], ["hola", "hi"]]),
        f"{G1}.exercises[3]",
        "match_pairs has the same left side twice",
    ),
    "listen_type whose audio file is missing": (
        _set(f"{L1}.exercises.2.audio", "audio/missing.wav"),
        f"{G1}.exercises[2].audio",
        "file 'audio/missing.wav' is not in the pack",
    ),
    "audio file that is not audio by its content": (
        _replace_file(HOLA_AUDIO, make_png()),
        f"{G1}.exercises[2].audio",
        f"file '{HOLA_AUDIO}': This file is not MP3, OGG or WAV audio "
        "(its content says image/png).",
    ),
    "media named by a URL": (
        _set(f"{L1}.exercises.2.audio", "https://example.com/hola.ogg"),
        f"{G1}.exercises[2].audio",
        "'https://example.com/hola.ogg' is a URL; a pack carries its media as files, named by "
        "a path relative to the pack file (the importer downloads nothing)",
    ),
    "media outside the pack": (
        _set(f"{L1}.words.0.image", "../secret.png"),
        f"{G1}.words[0].image",
        "'../secret.png' must be a path inside the pack, relative to the pack file",
    ),
    "duplicate word text": (
        _set(f"{L2}.words.0.text", "hola"),
        f"{G2}.words[0].text",
        f"word 'hola' is already declared at {G1}.words[0]",
    ),
    "exercise referring to an undeclared word": (
        _set(f"{L1}.exercises.1.words", ["hola", "perro"]),
        f"{G1}.exercises[1].words[1]",
        "word 'perro' is not declared in the pack (declare it in the words of a lesson)",
    ),
    "duplicate exercise key": (
        _set(f"{L1}.exercises.1.key", "mc-hello"),
        f"{G1}.exercises[1].key",
        "exercise key 'mc-hello' is already used by exercises[0] of this lesson",
    ),
    "same learning and from language": (
        _set("course.from_language", {"code": "es", "name": "Spanish"}),
        "course.from_language.code",
        "learning_language and from_language are both 'es': "
        "a course teaches one language from another",
    ),
    "solution field the type does not use": (
        _set(f"{L3}.exercises.0.tiles", ["el", "pan"]),
        f"{FOOD}.exercises[0].tiles",
        "translate does not use tiles",
    ),
    "title longer than its column": (
        _set("course.sections.0.title", "x" * 201),
        "course.sections[0].title",
        "Ensure this value has at most 200 characters (it has 201).",
    ),
    "requires that is not a list": (
        _set(f"{L3}.requires", 5),
        f"{FOOD}.requires",
        "must be an array (not a number)",
    ),
    "exercise type that is a list": (
        _set(f"{L1}.exercises.0.type", ["multiple_choice"]),
        f"{G1}.exercises[0].type",
        "must be one of multiple_choice, translate, listen_type, fill_blank, word_bank, "
        'match_pairs (not ["multiple_choice"])',
    ),
    "exercise without a type": (
        _delete(f"{L1}.exercises.1.type"),
        f"{G1}.exercises[1]",
        "missing required field 'type'",
    ),
    "media whose name does not match its content": (
        _both(
            _set(f"{L1}.exercises.2.audio", "audio/hola.html"),
            _replace_file("audio/hola.html", pack_files()[HOLA_AUDIO]),
        ),
        f"{G1}.exercises[2].audio",
        "file 'audio/hola.html': This file holds audio/x-wav, so its name must end in .wav "
        "(it is named “hola.html”).",
    ),
    "media path of megabytes": (
        _set(f"{L1}.exercises.2.audio", "a" * 100_000 + ".wav"),
        f"{G1}.exercises[2].audio",
        f"file '{'a' * 79}…' is not in the pack",
    ),
}


@pytest.mark.parametrize(("change", "where", "message"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_pack_is_refused_with_its_place_and_nothing_is_written(change, where, message):
    import_pack()
    pack, files = make_pack(title="A new title that must not be saved"), pack_files()
    change(pack, files)
    before, stored = row_counts(), media_files()

    with pytest.raises(PackError) as refused:
        course_pack_import(pack=pack, files=files)

    assert refused.value.problems == [(where, message)]
    assert row_counts() == before
    assert media_files() == stored
    assert Course.objects.get().title == "Spanish for English speakers"


def test_a_broken_new_course_is_not_created():
    pack = make_pack(slug="brand-new")
    lesson_of(pack, "greetings-1")["exercises"][0]["options"][1]["correct"] = True

    with pytest.raises(PackError):
        import_pack(pack)

    assert row_counts() == dict.fromkeys(row_counts(), 0)
    assert media_files() == []


def test_every_problem_of_a_pack_is_reported_at_once():
    pack = make_pack(format="course-pack/9")
    first = lesson_of(pack, "greetings-1")
    first["exercises"][0]["options"][1]["correct"] = True
    first["exercises"][1]["key"] = "mc-hello"
    lesson_of(pack, "food-1")["requires"] = ["nowhere-1"]
    lesson_of(pack, "greetings-2")["words"][0]["text"] = "hola"

    with pytest.raises(PackError) as refused:
        import_pack(pack)

    assert refused.value.problems == [
        ("format", 'must be "course-pack/1", not "course-pack/9"'),
        (f"{G2}.words[0].text", f"word 'hola' is already declared at {G1}.words[0]"),
        (f"{G1}.exercises[0]", "multiple_choice needs exactly one correct option (it has 2)"),
        (
            f"{G1}.exercises[1].key",
            "exercise key 'mc-hello' is already used by exercises[0] of this lesson",
        ),
        (f"{FOOD}.requires[0]", "requires lesson 'nowhere-1', which is not in the pack"),
    ]
    assert str(refused.value).startswith("The course pack has 5 problems; nothing was imported.")


def test_independent_prerequisite_cycles_are_all_reported():
    pack = make_pack()
    lesson_of(pack, "greetings-1")["requires"] = ["greetings-1"]
    lesson_of(pack, "food-1")["requires"] = ["food-1"]

    problems = course_pack_validate(pack=pack, files=pack_files())

    assert problems == [
        (f"{G1}.requires", "prerequisites form a cycle: greetings-1 → greetings-1"),
        (f"{FOOD}.requires", "prerequisites form a cycle: food-1 → food-1"),
    ]


def test_a_pack_that_is_not_an_object_is_refused():
    assert course_pack_validate(pack=["not", "a", "pack"]) == [
        ("pack", "must be an object (not an array)")
    ]


def test_a_json_pack_without_its_media_says_how_to_bring_them():
    problems = course_pack_validate(pack=make_pack())

    assert (
        f"{G1}.exercises[2].audio",
        f"file '{HOLA_AUDIO}' is not in the pack: no media came with it (import a .zip holding "
        "the pack and its files, or the pack file from its folder)",
    ) in problems


def test_a_media_file_over_the_size_limit_is_refused(settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 100

    problems = course_pack_validate(pack=make_pack(), files=pack_files())

    assert (
        f"{G1}.exercises[2].audio",
        f"file '{HOLA_AUDIO}' is larger than the limit of 100 bytes",
    ) in problems


def test_a_pack_error_carries_the_problems_by_place_for_the_api_shape():
    error = PackError([("format", "must be 1"), ("format", "really")])

    assert error.code == "invalid_course_pack"
    assert error.fields == {"format": ["must be 1", "really"]}


# --- loading --------------------------------------------------------------------------------


def test_invalid_json_is_refused_with_its_line_and_column():
    with pytest.raises(PackError) as refused:
        pack_load_upload(b'{"format": }')

    assert refused.value.problems == [
        ("pack", "not valid JSON: Expecting value (line 1, column 12)")
    ]


@pytest.mark.parametrize("depth", [40, 100_000])
def test_json_nested_too_deeply_is_refused(depth):
    text = json.dumps(make_pack(format="DEEP")).replace('"DEEP"', "[" * depth + "]" * depth)

    with pytest.raises(PackError) as refused:
        pack_load_upload(text.encode())

    assert refused.value.problems == [("pack", "not a course pack: its JSON is nested too deeply")]


def test_a_number_of_thousands_of_digits_is_refused():
    with pytest.raises(PackError) as refused:
        pack_load_upload(b'{"format": ' + b"9" * 5000 + b"}")

    assert refused.value.problems == [
        ("pack", "not valid JSON: a number in it has too many digits")
    ]


def test_a_field_given_twice_in_one_object_is_refused_with_its_place():
    text = json.dumps(make_pack())
    # The second "answers" would silently win over the first.
    text = text.replace(
        '"answers": ["the bread"]', '"answers": ["bread"], "answers": ["the bread"]'
    )

    with pytest.raises(PackError) as refused:
        pack_load_upload(text.encode())

    assert refused.value.problems == [
        (f"{FOOD}.exercises[0]", "the field 'answers' appears more than once; keep one")
    ]


def test_an_uploaded_json_pack_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(loading, "PACK_MAX_BYTES", 100)

    with pytest.raises(PackError) as refused:
        pack_load_upload(json.dumps(make_pack()).encode())

    assert refused.value.problems == [("pack", "the pack is larger than 100 bytes")]


def test_a_pack_file_that_cannot_be_read_is_refused(tmp_path, monkeypatch):
    from tests.courses.pack_fixtures import write_pack

    path = write_pack(tmp_path, make_pack())

    def unreadable(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", unreadable)

    with pytest.raises(PackError) as refused:
        pack_load_path(path)

    assert refused.value.problems == [("pack", f"cannot read {path}: Permission denied")]


def test_a_media_path_too_long_for_the_file_system_is_not_in_the_pack(tmp_path):
    from tests.courses.pack_fixtures import write_pack

    pack = make_pack()
    lesson_of(pack, "greetings-1")["exercises"][2]["audio"] = "a" * 5000 + ".wav"
    lesson_of(pack, "greetings-1")["words"][0]["image"] = "images/\x00.png"
    loaded = pack_load_path(write_pack(tmp_path, pack))

    problems = course_pack_validate(pack=loaded.pack, base_dir=loaded.base_dir)

    assert problems == [
        (f"{G1}.words[0].image", "file 'images/\\x00.png' is not in the pack"),
        (f"{G1}.exercises[2].audio", f"file '{'a' * 79}…' is not in the pack"),
    ]


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _damage(data: bytes, member: str) -> bytes:
    """The zip with the first compressed bytes of `member` flipped."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    damaged = bytearray(data)
    for index in range(start + 2, start + 12):
        damaged[index] ^= 0xFF
    return bytes(damaged)


def test_a_damaged_media_file_in_a_zip_is_refused_with_its_place():
    files = {**pack_files(), HOLA_AUDIO: make_wav(seconds=2.0)}
    data = _zip(
        {"pack.json": json.dumps(make_pack()).encode(), **files}, compression=zipfile.ZIP_DEFLATED
    )
    loaded = pack_load_upload(_damage(data, HOLA_AUDIO))

    problems = course_pack_validate(pack=loaded.pack, files=loaded.files)

    assert len(problems) == 1
    where, message = problems[0]
    assert where == f"{G1}.exercises[2].audio"
    assert message.startswith(f"file '{HOLA_AUDIO}' cannot be read from the zip: it is damaged")


def test_an_encrypted_zip_is_refused():
    data = bytearray(_zip({"pack.json": json.dumps(make_pack()).encode()}))
    # Mark the member encrypted, as a zip made with a password is.
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("pack.json")
    data[info.header_offset + 6] |= 0x1
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x1

    with pytest.raises(PackError) as refused:
        pack_load_upload(bytes(data))

    assert refused.value.problems == [
        (
            "pack",
            "cannot read pack.json from the zip: it is encrypted (make the zip without a password)",
        )
    ]


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(monkeypatch):
    monkeypatch.setattr(loading, "ZIP_UNPACKED_MAX_BYTES", 1_000_000)
    members = {"pack.json": json.dumps(make_pack()).encode(), **pack_files()}
    members["audio/zeros.wav"] = bytes(2_000_000)  # deflates to a few kilobytes

    with pytest.raises(PackError) as refused:
        pack_load_upload(_zip(members, compression=zipfile.ZIP_DEFLATED))

    [(where, message)] = refused.value.problems
    assert where == "pack"
    assert message.endswith("more than the limit of 1000000 bytes")


def test_a_zip_may_hold_the_pack_in_a_folder():
    from tests.courses.pack_fixtures import zip_pack

    loaded = pack_load_upload(zip_pack(make_pack(), folder="es-from-en/"))

    assert loaded.pack == make_pack()
    assert course_pack_validate(pack=loaded.pack, files=loaded.files) == []


def test_a_zip_without_a_pack_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("audio/hola.wav", b"")

    with pytest.raises(PackError) as refused:
        pack_load_upload(buffer.getvalue())

    assert refused.value.problems == [("pack", "the zip must hold the pack as pack.json")]


def test_media_outside_the_pack_folder_are_never_read(tmp_path):
    from tests.courses.pack_fixtures import write_pack

    (tmp_path / "secret.wav").write_bytes(pack_files()[HOLA_AUDIO])
    pack = make_pack()
    lesson_of(pack, "greetings-1")["exercises"][2]["audio"] = "link.wav"
    path = write_pack(tmp_path / "pack", pack)
    (tmp_path / "pack" / "link.wav").symlink_to(tmp_path / "secret.wav")

    loaded = pack_load_path(path)
    problems = course_pack_validate(pack=loaded.pack, base_dir=loaded.base_dir)

    assert problems == [(f"{G1}.exercises[2].audio", "file 'link.wav' is not in the pack")]


# --- the demo course ------------------------------------------------------------------------


def _is_real_ogg(data: bytes) -> bool:
    kind = filetype.guess(data)
    head = data[:512]
    return (
        kind is not None
        and kind.mime == "audio/ogg"
        and (b"\x01vorbis" in head or b"OpusHead" in head)
    )


def test_the_demo_pack_imports_cleanly_and_is_a_real_course():
    loaded = pack_load_path(DEMO_PACK)

    report = course_pack_import(pack=loaded.pack, base_dir=loaded.base_dir)

    course = report.course
    exercises = Exercise.objects.filter(lesson__course=course)
    assert Section.objects.filter(course=course).count() >= 2
    assert Unit.objects.filter(section__course=course).count() >= 6
    assert course.lessons.count() >= 30
    assert exercises.count() >= 300
    assert course.words.count() >= 200
    assert set(exercises.values_list("type", flat=True)) == {
        "multiple_choice",
        "translate",
        "listen_type",
        "fill_blank",
        "word_bank",
        "match_pairs",
    }
    for listening in exercises.filter(type="listen_type"):
        with listening.audio.open("rb") as audio:
            assert _is_real_ogg(audio.read()), listening.audio.name
    assert course_pack_export(course=course) == pack_canonical(loaded.pack)
    assert not course_pack_import(pack=loaded.pack, base_dir=loaded.base_dir).changed


def test_the_demo_course_passes_the_publish_checks():
    loaded = pack_load_path(DEMO_PACK)
    course = course_pack_import(pack=loaded.pack, base_dir=loaded.base_dir).course

    course_publish(course=course, by=UserFactory())

    course.refresh_from_db()
    assert course.status == CourseStatus.PUBLISHED


def test_a_zip_holding_two_packs_side_by_side_is_refused_naming_both():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("fr/pack.json", json.dumps(make_pack()))
        archive.writestr("es/pack.json", json.dumps(make_pack()))

    with pytest.raises(PackError) as refused:
        pack_load_upload(buffer.getvalue())

    assert refused.value.problems == [
        ("pack", "the zip holds several packs: es/pack.json, fr/pack.json")
    ]


# --- answer_language ----------------------------------------------------------------------------


def _with_answer_language(language: str) -> dict:
    pack = make_pack()
    lesson_of(pack, "greetings-1")["exercises"][1]["answer_language"] = language
    return pack


def test_an_exercise_may_state_its_answer_language_and_the_export_keeps_it():
    pack = _with_answer_language("en")

    report = import_pack(pack)

    stated = Exercise.objects.get(key="tr-hello")
    assert stated.answer_language == "en"
    assert set(
        Exercise.objects.exclude(pk=stated.pk).values_list("answer_language", flat=True)
    ) == {""}
    exported = course_pack_export(course=report.course)
    assert exported == pack_canonical(pack)
    assert lesson_of(exported, "greetings-1")["exercises"][1]["answer_language"] == "en"


def test_an_answer_language_that_is_not_one_of_the_courses_is_refused():
    problems = course_pack_validate(pack=_with_answer_language("fr"), files=pack_files())

    assert [(problem.place, problem.message) for problem in problems] == [
        (
            "course.sections[0].units[0].lessons[0].exercises[1].answer_language",
            "answer_language 'fr' is neither the course's learning_language nor its from_language",
        )
    ]


def test_an_answer_language_that_is_not_a_language_code_is_refused_by_the_schema():
    problems = course_pack_validate(pack=_with_answer_language("Spanish"), files=pack_files())

    assert [problem.place for problem in problems][:1] == [
        "course.sections[0].units[0].lessons[0].exercises[1].answer_language"
    ]
