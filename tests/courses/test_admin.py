"""Curation in the admin, as a real editor (staff in the `editors` group) uses it."""

# ruff: noqa: RUF001 - the admin writes places and quotes with typographic marks.

import re
from html import unescape

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import formats, timezone

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
from exercises.types import ExerciseType
from tests.courses.admin_forms import errors_of, page_data
from tests.courses.factories import (
    CourseFactory,
    ExerciseFactory,
    LessonFactory,
    UnitFactory,
    WordFactory,
    build_course,
    tiny_ogg,
    tiny_png,
)

pytestmark = pytest.mark.django_db

CONTENT_MODELS = ["language", "course", "section", "unit", "lesson", "exercise", "word"]


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:courses_{model}_{view}", args=args)


@pytest.fixture
def course():
    course = build_course(lessons=3, exercises_per_lesson=6, published=False, title="Basics")
    first = course.lessons.order_by("pk").first()
    WordFactory(course=course, lesson=first, text="hola", translations=["hello", "hi"])
    return course


def one_of(model: str, course: Course):
    return {
        "language": course.learning_language,
        "course": course,
        "section": course.sections.first(),
        "unit": Unit.objects.filter(section__course=course).first(),
        "lesson": course.lessons.order_by("pk").first(),
        "exercise": Exercise.objects.filter(lesson__course=course).order_by("pk").first(),
        "word": course.words.first(),
    }[model]


# --- Who sees what -------------------------------------------------------------------------


def test_the_admin_index_shows_an_editor_the_content_models(editor_client):
    response = editor_client.get(reverse("admin:index"))

    assert response.status_code == 200
    shown = {
        model["object_name"].lower()
        for app in response.context["app_list"]
        if app["app_label"] == "courses"
        for model in app["models"]
    }
    assert set(CONTENT_MODELS) <= shown


def test_the_admin_index_shows_an_editor_no_other_app(editor_client):
    response = editor_client.get(reverse("admin:index"))

    apps = {app["app_label"]: app for app in response.context["app_list"]}
    # Shop items, achievements and the quest pool are content editors manage too (issue 10);
    # never a learner's game state.
    assert list(apps) == ["courses", "gamification"]
    assert sorted(model["object_name"] for model in apps["gamification"]["models"]) == [
        "Achievement",
        "QuestTemplate",
        "ShopItem",
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/admin/accounts/user/",
        "/admin/gamification/gemwallet/",
        "/admin/progress/lessonprogress/",
        "/admin/srs/reviewcard/",
    ],
)
def test_editors_are_refused_users_wallets_and_progress(editor_client, path):
    response = editor_client.get(path)

    assert response.status_code == 403


# --- Every page opens and saves ------------------------------------------------------------


@pytest.mark.parametrize("model", CONTENT_MODELS)
def test_every_content_changelist_opens_for_an_editor(editor_client, course, model):
    response = editor_client.get(url(model, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", CONTENT_MODELS)
def test_every_content_add_page_opens_for_an_editor(editor_client, course, model):
    response = editor_client.get(url(model, "add"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", CONTENT_MODELS)
def test_every_content_change_page_opens_for_an_editor(editor_client, course, model):
    response = editor_client.get(url(model, "change", one_of(model, course).pk))

    assert response.status_code == 200


@pytest.mark.parametrize("model", CONTENT_MODELS)
def test_every_content_change_page_saves_what_it_shows(editor_client, course, model):
    obj = one_of(model, course)
    page = editor_client.get(url(model, "change", obj.pk))

    response = editor_client.post(url(model, "change", obj.pk), page_data(page))

    assert response.status_code == 302, errors_of(response)


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        ("language", "name", "Castilian"),
        ("course", "title", "Spanish basics"),
        ("section", "title", "Beginnings"),
        ("unit", "guidebook", "Say hello with hola."),
        ("lesson", "title", "Greetings"),
        ("exercise", "prompt", "Buenos días"),
        ("word", "notes", "Informal."),
    ],
)
def test_an_editor_changes_a_field_of_every_content_model(
    editor_client, course, model, field, value
):
    obj = one_of(model, course)
    data = page_data(editor_client.get(url(model, "change", obj.pk)))
    data[field] = value

    response = editor_client.post(url(model, "change", obj.pk), data)

    assert response.status_code == 302, errors_of(response)
    obj.refresh_from_db()
    assert getattr(obj, field) == value


@pytest.mark.parametrize(
    ("model", "query", "expected"),
    [
        ("language", "Spanish", "Spanish (es)"),
        ("course", "Basics", "Basics"),
        ("section", "Saludos", "Saludos"),
        ("unit", "Comida", "Comida"),
        ("lesson", "lesson-2", "Lesson 2"),
        ("exercise", "Good night", "Word bank: Good night"),
        ("word", "hello", "hola"),
    ],
)
def test_every_content_changelist_searches(editor_client, course, model, query, expected):
    CourseFactory(title="Other", learning_language__code="fr")
    Section.objects.filter(pk=course.sections.first().pk).update(title="Saludos")
    Unit.objects.filter(pk=Unit.objects.filter(section__course=course).first().pk).update(
        title="Comida"
    )
    WordFactory(course=course, text="adiós", translations=["goodbye"])
    UnitFactory(section__course=course)

    response = editor_client.get(url(model, "changelist"), {"q": query})

    changelist = response.context["cl"]
    found = {str(obj) for obj in changelist.result_list}
    assert found == {expected}
    assert changelist.result_count < changelist.full_result_count


@pytest.mark.parametrize("model", ["course", "section", "unit", "lesson", "exercise", "word"])
def test_content_changelists_cost_the_same_queries_for_few_or_many_rows(
    editor_client, model, django_assert_max_num_queries
):
    small = build_course(lessons=1, exercises_per_lesson=1)
    WordFactory(course=small)
    editor_client.get(url(model, "changelist"))  # warm up sessions and content types
    with django_assert_max_num_queries(12) as small_count:
        editor_client.get(url(model, "changelist"))

    for _ in range(4):
        big = build_course(lessons=12, exercises_per_lesson=4)
        WordFactory.create_batch(10, course=big)
    with django_assert_max_num_queries(len(small_count.captured_queries)):
        response = editor_client.get(url(model, "changelist"))

    assert response.context["cl"].result_count >= 5


# --- Adding content down the tree ----------------------------------------------------------


def test_an_editor_adds_a_language(editor_client):
    response = editor_client.post(
        url("language", "add"), {"code": "fr", "name": "French", "native_name": "français"}
    )

    assert response.status_code == 302, errors_of(response)
    assert Language.objects.filter(code="fr").exists()


def test_an_editor_adds_a_course_with_its_first_section(editor_client):
    es, en = (
        Language.objects.create(code="es", name="Spanish"),
        Language.objects.create(code="en", name="English"),
    )
    page = editor_client.get(url("course", "add"))
    data = page_data(page, extra_rows={"sections": 0})
    data.update(
        slug="es-en",
        title="Spanish",
        learning_language=es.pk,
        from_language=en.pk,
        **{
            "sections-TOTAL_FORMS": "1",
            "sections-0-position": "1",
            "sections-0-title": "Basics",
        },
    )

    response = editor_client.post(url("course", "add"), data)

    assert response.status_code == 302, errors_of(response)
    course = Course.objects.get(slug="es-en")
    assert course.status == CourseStatus.DRAFT
    assert list(course.sections.values_list("title", flat=True)) == ["Basics"]


def test_a_course_teaching_a_language_from_itself_is_refused_on_the_form(editor_client):
    es = Language.objects.create(code="es", name="Spanish")

    response = editor_client.post(
        url("course", "add"),
        {
            "slug": "es-es",
            "title": "Spanish",
            "learning_language": es.pk,
            "from_language": es.pk,
            "sections-TOTAL_FORMS": "0",
            "sections-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "A course teaches one language from another." in errors_of(response)
    assert not Course.objects.exists()


def test_the_course_form_cannot_publish(editor_client, course):
    data = page_data(editor_client.get(url("course", "change", course.pk)))
    data["status"] = CourseStatus.PUBLISHED

    editor_client.post(url("course", "change", course.pk), data)

    course.refresh_from_db()
    assert course.status == CourseStatus.DRAFT


def test_an_editor_adds_lessons_from_the_unit_page(editor_client, course):
    unit = Unit.objects.filter(section__course=course).first()
    page = editor_client.get(url("unit", "change", unit.pk))
    data = page_data(page, extra_rows={"lessons": 0})
    index = int(data["lessons-TOTAL_FORMS"])
    data.update(
        {
            "lessons-TOTAL_FORMS": str(index + 1),
            f"lessons-{index}-position": "9",
            f"lessons-{index}-slug": "food-1",
            f"lessons-{index}-title": "Food",
            f"lessons-{index}-xp_reward": "10",
            f"lessons-{index}-pass_score": "80",
        }
    )

    response = editor_client.post(url("unit", "change", unit.pk), data)

    assert response.status_code == 302, errors_of(response)
    lesson = Lesson.objects.get(slug="food-1")
    assert (lesson.unit, lesson.course) == (unit, course)


def test_a_lesson_slug_taken_in_the_course_is_refused_on_the_unit_page(editor_client, course):
    unit = Unit.objects.filter(section__course=course).first()
    other_unit = UnitFactory(section=unit.section, position=unit.position + 1)
    LessonFactory(unit=other_unit, slug="taken")
    page = editor_client.get(url("unit", "change", unit.pk))
    data = page_data(page)
    index = int(data["lessons-TOTAL_FORMS"])
    data.update(
        {
            "lessons-TOTAL_FORMS": str(index + 1),
            f"lessons-{index}-position": "9",
            f"lessons-{index}-slug": "taken",
            f"lessons-{index}-title": "Again",
            f"lessons-{index}-xp_reward": "10",
            f"lessons-{index}-pass_score": "80",
        }
    )

    response = editor_client.post(url("unit", "change", unit.pk), data)

    assert response.status_code == 200
    assert "Another lesson of this course has this slug." in errors_of(response)


def _lesson_rows(data: dict) -> dict[str, int]:
    """Lesson slug → its row number on the unit page's POST data."""
    count = int(data["lessons-TOTAL_FORMS"])
    return {data[f"lessons-{n}-slug"]: n for n in range(count) if f"lessons-{n}-slug" in data}


def test_two_lessons_swap_slugs_in_one_save_of_the_unit_page(editor_client, course):
    unit = Unit.objects.filter(section__course=course).first()
    first, second = unit.lessons.order_by("position")[:2]
    data = page_data(editor_client.get(url("unit", "change", unit.pk)))
    rows = _lesson_rows(data)
    data[f"lessons-{rows[first.slug]}-slug"] = second.slug
    data[f"lessons-{rows[second.slug]}-slug"] = first.slug

    response = editor_client.post(url("unit", "change", unit.pk), data)

    assert response.status_code == 302, errors_of(response)
    first_slug, second_slug = first.slug, second.slug
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.slug, second.slug) == (second_slug, first_slug)


def test_a_deleted_lessons_slug_goes_to_a_new_lesson_in_one_save(editor_client, course):
    unit = Unit.objects.filter(section__course=course).first()
    old = unit.lessons.order_by("position").last()
    page = editor_client.get(url("unit", "change", unit.pk))
    data = page_data(page)
    data[f"lessons-{_lesson_rows(data)[old.slug]}-DELETE"] = "on"
    index = int(data["lessons-TOTAL_FORMS"])
    data.update(
        {
            "lessons-TOTAL_FORMS": str(index + 1),
            f"lessons-{index}-position": "9",
            f"lessons-{index}-slug": old.slug,
            f"lessons-{index}-title": "Redone",
            f"lessons-{index}-xp_reward": "10",
            f"lessons-{index}-pass_score": "80",
        }
    )

    response = editor_client.post(url("unit", "change", unit.pk), data)

    assert response.status_code == 302, errors_of(response)
    redone = Lesson.objects.get(course=course, slug=old.slug)
    assert (redone.title, redone.pk != old.pk) == ("Redone", True)


def test_lessons_swap_positions_in_one_save_of_the_unit_page(editor_client, course):
    unit = Unit.objects.filter(section__course=course).first()
    first, second = unit.lessons.order_by("position")[:2]
    data = page_data(editor_client.get(url("unit", "change", unit.pk)))
    rows = {data[f"lessons-{n}-id"]: n for n in range(int(data["lessons-TOTAL_FORMS"]))}
    data[f"lessons-{rows[str(first.pk)]}-position"] = str(second.position)
    data[f"lessons-{rows[str(second.pk)]}-position"] = str(first.position)

    response = editor_client.post(url("unit", "change", unit.pk), data)

    assert response.status_code == 302, errors_of(response)
    assert list(unit.lessons.order_by("position")[:2]) == [second, first]


def test_two_lessons_at_one_position_are_refused_on_the_unit_page(editor_client, course):
    unit = Unit.objects.filter(section__course=course).first()
    data = page_data(editor_client.get(url("unit", "change", unit.pk)))
    data["lessons-1-position"] = data["lessons-0-position"]

    response = editor_client.post(url("unit", "change", unit.pk), data)

    assert response.status_code == 200
    assert "Please correct the duplicate data for position." in errors_of(response)


def test_exercises_swap_positions_on_the_lesson_page(editor_client, course):
    lesson = course.lessons.order_by("pk").first()
    first, second = lesson.exercises.order_by("position")[:2]
    data = page_data(editor_client.get(url("lesson", "change", lesson.pk)))
    rows = {data[f"exercises-{n}-id"]: n for n in range(int(data["exercises-TOTAL_FORMS"]))}
    data[f"exercises-{rows[str(first.pk)]}-position"] = str(second.position)
    data[f"exercises-{rows[str(second.pk)]}-position"] = str(first.position)
    data[f"exercises-{rows[str(first.pk)]}-key"] = second.key
    data[f"exercises-{rows[str(second.pk)]}-key"] = first.key

    response = editor_client.post(url("lesson", "change", lesson.pk), data)

    assert response.status_code == 302, errors_of(response)
    assert list(lesson.exercises.order_by("position")[:2]) == [second, first]


def test_the_lesson_page_links_each_exercise_and_adding_one(editor_client, course):
    lesson = course.lessons.order_by("pk").first()

    response = editor_client.get(url("lesson", "change", lesson.pk))

    content = response.content.decode()
    for exercise in lesson.exercises.all():
        assert url("exercise", "change", exercise.pk) in content
    assert f"{url('exercise', 'add')}?lesson={lesson.pk}" in content


def test_the_add_exercise_link_fills_in_the_lesson(editor_client, course):
    lesson = course.lessons.order_by("pk").first()

    response = editor_client.get(url("exercise", "add"), {"lesson": lesson.pk})

    assert response.context["adminform"].form["lesson"].value() == str(lesson.pk)


# --- Lesson prerequisites ------------------------------------------------------------------


def lesson_data(client, lesson: Lesson, **changes) -> dict:
    data = page_data(client.get(url("lesson", "change", lesson.pk)))
    data.update(changes)
    return data


def test_prerequisites_offered_are_the_other_lessons_of_the_course(editor_client, course):
    lesson = course.lessons.order_by("pk").first()
    build_course(lessons=2)

    response = editor_client.get(url("lesson", "change", lesson.pk))

    offered = set(response.context["adminform"].form.fields["prerequisites"].queryset)
    assert offered == set(course.lessons.exclude(pk=lesson.pk))


def test_a_prerequisite_from_another_course_is_refused(editor_client, course):
    lesson = course.lessons.order_by("pk").first()
    stranger = build_course(lessons=1).lessons.get()

    response = editor_client.post(
        url("lesson", "change", lesson.pk),
        lesson_data(editor_client, lesson, prerequisites=[str(stranger.pk)]),
    )

    assert response.status_code == 200
    assert any("valid choice" in error for error in errors_of(response))
    assert not lesson.prerequisites.exists()


def test_prerequisites_that_make_a_cycle_are_refused_with_the_cycle(editor_client, course):
    first, second, third = course.lessons.order_by("pk")
    second.prerequisites.set([first])
    third.prerequisites.set([second])

    response = editor_client.post(
        url("lesson", "change", first.pk),
        lesson_data(editor_client, first, prerequisites=[str(third.pk)]),
    )

    assert response.status_code == 200
    expected = "These prerequisites make a cycle: lesson-1 → lesson-3 → lesson-2 → lesson-1."
    assert expected in errors_of(response)
    assert not first.prerequisites.exists()


def test_prerequisites_without_a_cycle_are_saved(editor_client, course):
    first, second, third = course.lessons.order_by("pk")

    response = editor_client.post(
        url("lesson", "change", third.pk),
        lesson_data(editor_client, third, prerequisites=[str(first.pk), str(second.pk)]),
    )

    assert response.status_code == 302, errors_of(response)
    assert set(third.prerequisites.all()) == {first, second}


IMPLICIT = "(a lesson without prerequisites waits for the lesson before it)"


def test_a_prerequisite_that_waits_for_the_lesson_before_it_is_refused_as_a_cycle(
    editor_client, course
):
    # lesson-2 has no prerequisites, so it waits for lesson-1: requiring it locks both.
    first, second, _ = course.lessons.order_by("pk")

    response = editor_client.post(
        url("lesson", "change", first.pk),
        lesson_data(editor_client, first, prerequisites=[str(second.pk)]),
    )

    assert response.status_code == 200
    expected = f"These prerequisites make a cycle: lesson-1 → lesson-2 → lesson-1 {IMPLICIT}."
    assert expected in errors_of(response)
    assert not first.prerequisites.exists()


def test_moving_a_lesson_before_its_prerequisite_is_refused_on_its_page(editor_client, course):
    # lesson-2 requires lesson-1; moved before it, lesson-1 would wait for lesson-2.
    first, second, _ = course.lessons.order_by("pk")
    second.prerequisites.set([first])

    response = editor_client.post(
        url("lesson", "change", second.pk), lesson_data(editor_client, second, position="0")
    )

    assert response.status_code == 200
    expected = f"These prerequisites make a cycle: lesson-2 → lesson-1 → lesson-2 {IMPLICIT}."
    assert expected in errors_of(response)
    assert Lesson.objects.get(pk=second.pk).position == second.position


def lesson_rows(data: dict) -> dict[str, int]:
    return {data[f"lessons-{n}-id"]: n for n in range(int(data["lessons-TOTAL_FORMS"]))}


def test_reordering_lessons_into_a_cycle_is_refused_on_the_unit_page(editor_client, course):
    unit = Unit.objects.filter(section__course=course).first()
    first, second = unit.lessons.order_by("position")[:2]
    second.prerequisites.set([first])
    data = page_data(editor_client.get(url("unit", "change", unit.pk)))
    rows = lesson_rows(data)
    data[f"lessons-{rows[str(first.pk)]}-position"] = str(second.position)
    data[f"lessons-{rows[str(second.pk)]}-position"] = str(first.position)

    response = editor_client.post(url("unit", "change", unit.pk), data)

    assert response.status_code == 200
    expected = (
        "In this order the course's lessons wait for each other in a cycle: "
        f"lesson-1 → lesson-2 → lesson-1 {IMPLICIT}."
    )
    assert expected in errors_of(response)
    assert list(unit.lessons.order_by("position")[:2]) == [first, second]


def test_deleting_a_lesson_into_a_cycle_is_refused_on_the_unit_page(editor_client, course):
    # lesson-1 requires lesson-3, which requires lesson-2: without lesson-2, lesson-3 would
    # wait for lesson-1.
    first, second, third = course.lessons.order_by("pk")
    first.prerequisites.set([third])
    third.prerequisites.set([second])
    data = page_data(editor_client.get(url("unit", "change", first.unit_id)))
    data[f"lessons-{lesson_rows(data)[str(second.pk)]}-DELETE"] = "on"

    response = editor_client.post(url("unit", "change", first.unit_id), data)

    assert response.status_code == 200
    assert any("lesson-3 → lesson-1 → lesson-3" in error for error in errors_of(response))
    assert Lesson.objects.filter(pk=second.pk).exists()


def test_reordering_units_into_a_cycle_is_refused_on_the_section_page(editor_client):
    course = build_course(lessons=2, units=2, published=False)
    first, second = course.lessons.order_by("pk")
    second.prerequisites.set([first])
    section = first.unit.section
    data = page_data(editor_client.get(url("section", "change", section.pk)))
    rows = {data[f"units-{n}-id"]: n for n in range(int(data["units-TOTAL_FORMS"]))}
    data[f"units-{rows[str(first.unit_id)]}-position"] = str(second.unit.position)
    data[f"units-{rows[str(second.unit_id)]}-position"] = str(first.unit.position)

    response = editor_client.post(url("section", "change", section.pk), data)

    assert response.status_code == 200
    assert any("lesson-1 → lesson-2 → lesson-1" in error for error in errors_of(response))


def test_reordering_sections_into_a_cycle_is_refused_on_the_course_page(editor_client):
    course = build_course(lessons=2, lessons_per_unit=1, units_per_section=1, published=False)
    first, second = course.lessons.order_by("pk")
    second.prerequisites.set([first])
    data = page_data(editor_client.get(url("course", "change", course.pk)))
    rows = {data[f"sections-{n}-id"]: n for n in range(int(data["sections-TOTAL_FORMS"]))}
    first_section, second_section = first.unit.section, second.unit.section
    data[f"sections-{rows[str(first_section.pk)]}-position"] = str(second_section.position)
    data[f"sections-{rows[str(second_section.pk)]}-position"] = str(first_section.position)

    response = editor_client.post(url("course", "change", course.pk), data)

    assert response.status_code == 200
    assert any("lesson-1 → lesson-2 → lesson-1" in error for error in errors_of(response))


def test_reordering_lessons_without_a_cycle_is_saved_on_the_unit_page(editor_client, course):
    first, second, third = course.lessons.order_by("pk")
    third.prerequisites.set([first])
    data = page_data(editor_client.get(url("unit", "change", first.unit_id)))
    rows = lesson_rows(data)
    data[f"lessons-{rows[str(second.pk)]}-position"] = str(third.position)
    data[f"lessons-{rows[str(third.pk)]}-position"] = str(second.position)

    response = editor_client.post(url("unit", "change", first.unit_id), data)

    assert response.status_code == 302, errors_of(response)


def test_a_lesson_cannot_move_to_another_course(editor_client, course):
    lesson = course.lessons.order_by("pk").first()
    elsewhere = UnitFactory()

    response = editor_client.post(
        url("lesson", "change", lesson.pk),
        lesson_data(editor_client, lesson, unit=str(elsewhere.pk)),
    )

    assert response.status_code == 200
    lesson.refresh_from_db()
    assert lesson.course == course


def test_a_lesson_added_on_its_own_page_takes_its_units_course(editor_client, course):
    unit = Unit.objects.filter(section__course=course).first()

    response = editor_client.post(
        url("lesson", "add"),
        {
            "unit": unit.pk,
            "position": 50,
            "slug": "extra",
            "title": "Extra",
            "xp_reward": 10,
            "pass_score": 80,
            "exercises-TOTAL_FORMS": "0",
            "exercises-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, errors_of(response)
    assert Lesson.objects.get(slug="extra").course == course


def test_a_lesson_slug_taken_in_the_course_is_refused_on_the_lesson_page(editor_client, course):
    first, second, _ = course.lessons.order_by("pk")

    response = editor_client.post(
        url("lesson", "change", first.pk), lesson_data(editor_client, first, slug=second.slug)
    )

    assert response.status_code == 200
    assert "Another lesson of this course has this slug." in errors_of(response)


# --- Exercises and their options -----------------------------------------------------------


def exercise_add_data(lesson: Lesson, **fields) -> dict:
    data = {
        "lesson": lesson.pk,
        "position": 90,
        "key": "",
        "type": ExerciseType.TRANSLATE,
        "prompt": "",
        "hint": "",
        "explanation": "",
        "answers": "",
        "tiles": "",
        "pairs": "",
        "options-TOTAL_FORMS": "0",
        "options-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


def with_options(data: dict, *options: tuple[str, bool]) -> dict:
    data["options-TOTAL_FORMS"] = str(len(options))
    for n, (text, correct) in enumerate(options):
        data[f"options-{n}-position"] = str(n + 1)
        data[f"options-{n}-text"] = text
        if correct:
            data[f"options-{n}-is_correct"] = "on"
    return data


@pytest.fixture
def lesson(course):
    return course.lessons.order_by("pk").first()


def test_a_translate_exercise_is_added_with_one_answer_per_line(editor_client, lesson):
    data = exercise_add_data(lesson, prompt="Buenas noches", answers="Good night\n\n Goodnight \n")

    response = editor_client.post(url("exercise", "add"), data)

    assert response.status_code == 302, errors_of(response)
    exercise = lesson.exercises.get(position=90)
    assert exercise.answers == ["Good night", "Goodnight"]


def test_a_multiple_choice_exercise_is_added_with_its_options(editor_client, lesson):
    data = with_options(
        exercise_add_data(lesson, type=ExerciseType.MULTIPLE_CHOICE, prompt="Which is 'dog'?"),
        ("perro", True),
        ("gato", False),
    )

    response = editor_client.post(url("exercise", "add"), data)

    assert response.status_code == 302, errors_of(response)
    exercise = lesson.exercises.get(position=90)
    assert list(exercise.options.values_list("text", "is_correct")) == [
        ("perro", True),
        ("gato", False),
    ]


@pytest.mark.parametrize(
    "options",
    [
        [("perro", True), ("gato", True)],
        [("perro", False), ("gato", False)],
    ],
)
def test_a_multiple_choice_without_exactly_one_correct_option_is_refused(
    editor_client, lesson, options
):
    data = with_options(
        exercise_add_data(lesson, type=ExerciseType.MULTIPLE_CHOICE, prompt="Dog?"), *options
    )

    response = editor_client.post(url("exercise", "add"), data)

    assert response.status_code == 200
    assert any("exactly one correct option" in error for error in errors_of(response))
    assert not lesson.exercises.filter(position=90).exists()


def test_the_correct_option_moves_to_an_earlier_option_in_one_save(editor_client, lesson):
    # The earlier row is saved first: without care it would be a second correct option.
    exercise = ExerciseFactory(
        lesson=lesson, multiple_choice=True, options=[("perro", False), ("gato", True)]
    )
    data = page_data(editor_client.get(url("exercise", "change", exercise.pk)))
    data["options-0-is_correct"] = "on"
    data.pop("options-1-is_correct")

    response = editor_client.post(url("exercise", "change", exercise.pk), data)

    assert response.status_code == 302, errors_of(response)
    assert exercise.options.get(is_correct=True).text == "perro"


def test_options_swap_positions_in_one_save(editor_client, course):
    exercise = Exercise.objects.filter(
        lesson__course=course, type=ExerciseType.MULTIPLE_CHOICE
    ).first()
    data = page_data(editor_client.get(url("exercise", "change", exercise.pk)))
    data["options-0-position"], data["options-1-position"] = "2", "1"

    response = editor_client.post(url("exercise", "change", exercise.pk), data)

    assert response.status_code == 302, errors_of(response)
    assert list(exercise.options.values_list("text", flat=True)) == ["adiós", "hola", "gracias"]


def test_options_on_an_exercise_of_another_type_are_refused(editor_client, lesson):
    data = with_options(
        exercise_add_data(lesson, prompt="Hola", answers="Hello"), ("a", True), ("b", False)
    )

    response = editor_client.post(url("exercise", "add"), data)

    assert response.status_code == 200
    assert "Only multiple choice exercises have options; delete these." in errors_of(response)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"type": "word_bank", "prompt": "Good night", "tiles": "Buenas\nnoches"},
            "answers",
            "Word bank needs at least one accepted answer",
        ),
        (
            {
                "type": "word_bank",
                "prompt": "Good night",
                "tiles": "Buenas\ndías",
                "answers": "Buenas noches",
            },
            "tiles",
            "Word bank answer 'Buenas noches' needs tiles it lacks: noches",
        ),
        (
            {"type": "match_pairs", "pairs": "hola = hello"},
            "pairs",
            "Match pairs needs at least two pairs",
        ),
        (
            {"type": "match_pairs", "pairs": "hola = hello\nhola = hi"},
            "pairs",
            "Match pairs has the same left side twice",
        ),
        (
            {"type": "match_pairs", "pairs": "hola = hello\nadiós"},
            "pairs",
            'Line 2: write a pair as "left = right".',
        ),
        (
            {"type": "listen_type", "answers": "hola"},
            "audio",
            "Listen and type needs audio",
        ),
        (
            {"type": "fill_blank", "prompt": "___ días ___", "answers": "Buenos"},
            "prompt",
            "Fill in the blank needs exactly one blank (___) in its prompt",
        ),
        (
            {"type": "translate", "prompt": "", "answers": "Hello"},
            "prompt",
            "Translate needs a prompt",
        ),
    ],
)
def test_an_invalid_exercise_is_refused_with_the_message_on_its_field(
    editor_client, lesson, fields, field, message
):
    response = editor_client.post(url("exercise", "add"), exercise_add_data(lesson, **fields))

    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors.get(field, [])
    assert not lesson.exercises.filter(position=90).exists()


def test_a_listening_exercise_with_real_audio_is_saved(editor_client, lesson):
    data = exercise_add_data(lesson, type="listen_type", answers="hola")
    data["audio"] = SimpleUploadedFile("hola.ogg", tiny_ogg(), content_type="audio/ogg")

    response = editor_client.post(url("exercise", "add"), data)

    assert response.status_code == 302, errors_of(response)
    assert lesson.exercises.get(position=90).audio.name.endswith(".ogg")


def test_a_text_file_named_like_audio_is_refused_on_the_form(editor_client, lesson):
    data = exercise_add_data(lesson, type="listen_type", answers="hola")
    data["audio"] = SimpleUploadedFile("hola.ogg", b"just some text\n" * 10)

    response = editor_client.post(url("exercise", "add"), data)

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["audio"]
    assert "This file is not MP3, OGG or WAV audio" in message


def test_audio_named_like_a_web_page_is_refused_on_the_form(editor_client, lesson):
    data = exercise_add_data(lesson, type="listen_type", answers="hola")
    # Served by its name, it would be a page of the site running the script it carries.
    data["audio"] = SimpleUploadedFile("hola.html", tiny_ogg() + b"<script>alert(1)</script>")

    response = editor_client.post(url("exercise", "add"), data)

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["audio"]
    assert message == (
        "This file holds audio/ogg, so its name must end in .ogg or .oga (it is named “hola.html”)."
    )
    assert not lesson.exercises.filter(position=90).exists()


def test_an_exercise_whose_audio_left_the_media_store_shows_a_form_error(editor_client, course):
    exercise = Exercise.objects.filter(lesson__course=course, type=ExerciseType.LISTEN_TYPE).first()
    data = page_data(editor_client.get(url("exercise", "change", exercise.pk)))
    exercise.audio.storage.delete(exercise.audio.name)

    response = editor_client.post(url("exercise", "change", exercise.pk), data)

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["audio"]
    assert message == (
        f"The file {exercise.audio.name} is missing from the media store; upload it again."
    )


@pytest.mark.parametrize(
    "given", ["abc", "99999999999999999999999", "-99999999999999999999999", "0", "²", "1.5"]
)
def test_an_add_page_prefilled_with_an_unknown_lesson_opens_with_the_field_empty(
    editor_client, course, given
):
    for model in ("exercise", "word"):
        response = editor_client.get(url(model, "add") + f"?lesson={given}")

        assert response.status_code == 200
        assert response.context["adminform"].form["lesson"].value() is None


@pytest.mark.parametrize("given", ["abc", "99999999999999999999999", "²"])
def test_a_lesson_add_page_prefilled_with_an_unknown_unit_opens(editor_client, course, given):
    response = editor_client.get(url("lesson", "add"), {"unit": given})

    assert response.status_code == 200
    assert not response.context["adminform"].form.fields["prerequisites"].queryset.exists()


NOT_IDS = ["abc", "99999999999999999999999", "-99999999999999999999999", "²", "1.5"]


@pytest.mark.parametrize("value", NOT_IDS)
@pytest.mark.parametrize(
    ("model", "field"),
    [
        ("exercise", "lesson"),
        ("exercise", "words"),
        ("lesson", "unit"),
        ("lesson", "prerequisites"),
        ("word", "lesson"),
        ("word", "course"),
        ("unit", "section"),
        ("section", "course"),
    ],
)
def test_a_posted_id_no_row_could_have_is_a_form_error(editor_client, course, model, field, value):
    # The autocomplete widgets looked such ids up while redrawing the form: a 500.
    obj = one_of(model, course)
    data = page_data(editor_client.get(url(model, "change", obj.pk)))
    data[field] = value

    response = editor_client.post(url(model, "change", obj.pk), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert f'value="{value}"' not in response.content.decode()


@pytest.mark.parametrize("value", NOT_IDS)
def test_an_exercise_added_with_an_id_no_row_could_have_is_refused(editor_client, lesson, value):
    for field in ("lesson", "words"):
        data = exercise_add_data(lesson, prompt="Hola", answers="Hello")
        data[field] = value

        response = editor_client.post(url("exercise", "add"), data)

        assert response.status_code == 200
        assert response.context["adminform"].form.errors[field]
    assert not lesson.exercises.filter(position=90).exists()


def test_an_add_page_prefilled_with_a_lesson_keeps_it(editor_client, lesson):
    response = editor_client.get(url("word", "add") + f"?lesson={lesson.pk}")

    assert str(response.context["adminform"].form["lesson"].value()) == str(lesson.pk)


def test_an_oversized_image_is_refused_on_the_form(editor_client, lesson, settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 1000
    data = exercise_add_data(lesson, prompt="Hola", answers="Hello")
    data["image"] = SimpleUploadedFile("big.png", tiny_png() + bytes(2000))

    response = editor_client.post(url("exercise", "add"), data)

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["image"]
    assert "the limit is 1000 bytes" in message


def test_an_exercise_practises_only_words_of_its_course(editor_client, course, lesson):
    own = course.words.get()
    stranger = WordFactory(text="gato")
    data = exercise_add_data(lesson, prompt="Hola", answers="Hello")
    data["words"] = [str(own.pk), str(stranger.pk)]

    response = editor_client.post(url("exercise", "add"), data)

    assert response.status_code == 200
    assert "Not words of this lesson's course: gato." in errors_of(response)


def test_the_exercise_page_shows_pairs_as_lines(editor_client, course):
    exercise = Exercise.objects.filter(lesson__course=course, type="match_pairs").first()

    response = editor_client.get(url("exercise", "change", exercise.pk))

    assert response.context["adminform"].form["pairs"].value() == "hola = hello\nadiós = goodbye"


def test_the_exercise_page_folds_the_fields_of_other_types(editor_client, course):
    exercise = Exercise.objects.filter(lesson__course=course, type="match_pairs").first()

    response = editor_client.get(url("exercise", "change", exercise.pk))

    folded = {
        field.field.name
        for fieldset in response.context["adminform"]
        if "collapse" in fieldset.classes
        for line in fieldset
        for field in line
    }
    assert folded == {"answers", "tiles"}


def test_word_autocomplete_finds_words_by_text(editor_client, course):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "courses",
            "model_name": "exercise",
            "field_name": "words",
            "term": "hol",
        },
    )

    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["hola"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [({"part_of_speech__exact": "verb"}, {"comer"}), ({"course__id__exact": "own"}, {"hola"})],
)
def test_words_are_filtered_by_course_and_part_of_speech(editor_client, course, params, expected):
    WordFactory(text="comer", part_of_speech="verb")
    params = {key: course.pk if value == "own" else value for key, value in params.items()}

    response = editor_client.get(url("word", "changelist"), params)

    assert {word.text for word in response.context["cl"].result_list} == expected


def test_a_word_is_added_with_one_translation_per_line(editor_client, course):
    response = editor_client.post(
        url("word", "add"),
        {"course": course.pk, "text": "gato", "translations": "cat\n\nkitty", "notes": ""},
    )

    assert response.status_code == 302, errors_of(response)
    assert Word.objects.get(text="gato").translations == ["cat", "kitty"]


def test_a_word_already_in_the_course_is_refused_on_the_form(editor_client, course):
    response = editor_client.post(
        url("word", "add"), {"course": course.pk, "text": "hola", "translations": "hi"}
    )

    assert response.status_code == 200
    assert errors_of(response)
    assert course.words.count() == 1


# --- Preview -------------------------------------------------------------------------------


def test_the_lesson_change_page_links_its_preview(editor_client, lesson):
    response = editor_client.get(url("lesson", "change", lesson.pk))

    assert url("lesson", "preview", lesson.pk) in response.content.decode()


def test_the_preview_shows_every_exercise_with_its_solution_marked(editor_client, lesson):
    response = editor_client.get(url("lesson", "preview", lesson.pk))

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('class="preview-exercise"') == 6
    assert '<li class="correct">\n                \n                hola ✓' in content
    assert '<mark class="correct">Buenos</mark> días' in content
    assert '<span class="correct">Hello</span>' in content
    assert "Also accepted: Hi" in content
    assert '<li class="correct">Buenas</li>' in content
    assert '<li class="">días</li>' in content
    assert '<span class="correct">hola = hello</span>' in content
    assert "<audio controls" in content
    assert "Teaches: <strong>hola</strong> (hello, hi)" in content


def test_the_preview_shows_what_is_wrong_with_an_exercise(editor_client, lesson):
    ExerciseFactory(lesson=lesson, multiple_choice=True, options=[("sí", False), ("no", False)])

    response = editor_client.get(url("lesson", "preview", lesson.pk))

    assert (
        "Multiple choice needs exactly one correct option (it has 0)" in response.content.decode()
    )


def test_the_preview_of_a_missing_lesson_redirects_with_a_message(editor_client):
    response = editor_client.get(url("lesson", "preview", 999999), follow=True)

    assert response.redirect_chain
    assert "doesn’t exist" in response.content.decode()


# --- Publishing ----------------------------------------------------------------------------


def run_action(client, action: str, *courses: Course):
    return client.post(
        url("course", "changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [str(course.pk) for course in courses]},
        follow=True,
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_publish_action_publishes_a_valid_course(editor_client, course):
    response = run_action(editor_client, "publish", course)

    assert response.status_code == 200
    course.refresh_from_db()
    assert (course.status, course.version) == (CourseStatus.PUBLISHED, 1)
    assert course.published_at is not None
    assert "“Basics” is published (version 1)." in messages_of(response)


def test_the_publish_action_refuses_a_course_and_lists_what_blocks_it(editor_client, course):
    lesson = course.lessons.order_by("pk").last()
    broken = lesson.exercises.get(type=ExerciseType.MULTIPLE_CHOICE)
    broken.options.update(is_correct=False)
    empty = LessonFactory(unit=lesson.unit, slug="empty", position=99)

    response = run_action(editor_client, "publish", course)

    course.refresh_from_db()
    assert (course.status, course.version) == (CourseStatus.DRAFT, 0)
    shown = messages_of(response)
    assert "“Basics” was not published: 2 problems block it." in shown
    assert (
        "Section 1 › Unit 1 › Lesson 'lesson-3' › exercise 2: "
        "Multiple choice needs exactly one correct option (it has 0)"
    ) in shown
    assert "Section 1 › Unit 1 › Lesson 'empty': the lesson has no exercises" in shown
    content = response.content.decode()
    assert url("exercise", "change", broken.pk) in content
    assert url("lesson", "change", empty.pk) in content
    assert "<td>Multiple choice needs exactly one correct option (it has 0)</td>" in content


def test_the_publish_action_publishes_the_valid_courses_and_refuses_the_others(
    editor_client, course
):
    empty = CourseFactory(title="Empty")

    response = run_action(editor_client, "publish", course, empty)

    course.refresh_from_db()
    empty.refresh_from_db()
    assert (course.status, empty.status) == (CourseStatus.PUBLISHED, CourseStatus.DRAFT)
    assert "The course has no lessons." in messages_of(response)


def test_the_unpublish_action_takes_a_course_back_to_draft(editor_client):
    course = build_course(published=True)

    response = run_action(editor_client, "unpublish", course)

    course.refresh_from_db()
    assert course.status == CourseStatus.DRAFT
    assert "1 course is back to draft; learners no longer see it." in messages_of(response)


# --- History -------------------------------------------------------------------------------


def test_the_history_page_shows_a_change_and_who_made_it(editor_client, editor, course):
    data = page_data(editor_client.get(url("course", "change", course.pk)))
    data["title"] = "Spanish basics"
    editor_client.post(url("course", "change", course.pk), data)

    response = editor_client.get(url("course", "history", course.pk))

    assert response.status_code == 200
    content = response.content.decode()
    assert editor.email in content or editor.get_username() in content
    assert "Spanish basics" in content
    record = course.history.latest()
    assert (record.history_user, record.title) == (editor, "Spanish basics")
    assert record.diff_against(record.prev_record).changed_fields == ["title"]


def test_an_inline_change_is_recorded_on_the_child_with_its_editor(editor_client, editor, course):
    unit = Unit.objects.filter(section__course=course).first()
    lesson = unit.lessons.order_by("position").first()
    data = page_data(editor_client.get(url("unit", "change", unit.pk)))
    row = next(n for n in range(10) if data[f"lessons-{n}-id"] == str(lesson.pk))
    data[f"lessons-{row}-title"] = "Renamed"

    editor_client.post(url("unit", "change", unit.pk), data)

    record = lesson.history.latest()
    assert (record.history_user, record.title) == (editor, "Renamed")


def test_publishing_is_recorded_in_the_course_history_with_its_editor(
    editor_client, editor, course
):
    run_action(editor_client, "publish", course)

    response = editor_client.get(url("course", "history", course.pk))

    record = course.history.latest()
    assert (record.history_user, record.status, record.version) == (editor, "published", 1)
    assert "Published version 1" in response.content.decode()


@pytest.mark.parametrize("model", CONTENT_MODELS)
def test_every_content_model_has_a_history_page(editor_client, course, model):
    response = editor_client.get(url(model, "history", one_of(model, course).pk))

    assert response.status_code == 200


def test_options_are_saved_with_history(editor_client, editor, course):
    exercise = Exercise.objects.filter(lesson__course=course, type="multiple_choice").first()
    data = page_data(editor_client.get(url("exercise", "change", exercise.pk)))
    data["options-1-text"] = "chao"

    editor_client.post(url("exercise", "change", exercise.pk), data)

    option = exercise.options.get(text="chao")
    assert option.history.latest().history_user == editor
    assert ExerciseOption.history.filter(id=option.pk).count() == 1  # bulk-made, then changed


def test_sections_are_reached_from_the_course_page_and_units_from_the_section_page(
    editor_client, course
):
    section = course.sections.first()
    unit = section.units.first()

    course_page = editor_client.get(url("course", "change", course.pk)).content.decode()
    section_page = editor_client.get(url("section", "change", section.pk)).content.decode()

    assert url("section", "change", section.pk) in course_page
    assert url("unit", "change", unit.pk) in section_page


def test_a_section_cannot_move_to_another_course(editor_client, course):
    section = course.sections.first()
    other = CourseFactory()
    data = page_data(editor_client.get(url("section", "change", section.pk)))
    data["course"] = str(other.pk)

    response = editor_client.post(url("section", "change", section.pk), data)

    assert response.status_code == 200
    assert Section.objects.get(pk=section.pk).course == course


def test_a_new_unit_is_added_with_its_lessons_in_one_save(editor_client, course):
    section = course.sections.first()
    data = {
        "section": section.pk,
        "position": 40,
        "title": "Food",
        "description": "",
        "guidebook": "",
        "color": "#58CC02",
        "icon": "",
        "lessons-TOTAL_FORMS": "2",
        "lessons-INITIAL_FORMS": "0",
    }
    for n, slug in enumerate(["food-1", "food-2"]):
        data.update(
            {
                f"lessons-{n}-position": str(n + 1),
                f"lessons-{n}-slug": slug,
                f"lessons-{n}-title": slug.title(),
                f"lessons-{n}-xp_reward": "10",
                f"lessons-{n}-pass_score": "80",
            }
        )

    response = editor_client.post(url("unit", "add"), data)

    assert response.status_code == 302, errors_of(response)
    unit = Unit.objects.get(title="Food")
    assert list(unit.lessons.values_list("slug", "course")) == [
        ("food-1", course.pk),
        ("food-2", course.pk),
    ]


def test_two_new_lessons_with_one_slug_are_refused_on_the_unit_page(editor_client, course):
    unit = Unit.objects.filter(section__course=course).first()
    data = page_data(editor_client.get(url("unit", "change", unit.pk)))
    index = int(data["lessons-TOTAL_FORMS"])
    data["lessons-TOTAL_FORMS"] = str(index + 2)
    for n in (index, index + 1):
        data.update(
            {
                f"lessons-{n}-position": str(n + 10),
                f"lessons-{n}-slug": "twin",
                f"lessons-{n}-title": "Twin",
                f"lessons-{n}-xp_reward": "10",
                f"lessons-{n}-pass_score": "80",
            }
        )

    response = editor_client.post(url("unit", "change", unit.pk), data)

    assert response.status_code == 200
    assert "Two rows have the same slug: twin. Each must differ." in errors_of(response)
    assert not Lesson.objects.filter(slug="twin").exists()


def test_an_exercise_key_taken_in_the_lesson_is_refused_on_the_exercise_page(editor_client, lesson):
    first, second = lesson.exercises.order_by("position")[:2]
    data = page_data(editor_client.get(url("exercise", "change", second.pk)))
    data["key"] = first.key

    response = editor_client.post(url("exercise", "change", second.pk), data)

    assert response.status_code == 200
    assert errors_of(response) == ["Another exercise of this lesson has this key."]


def test_turning_an_exercise_into_multiple_choice_needs_options(editor_client, lesson):
    exercise = lesson.exercises.get(type=ExerciseType.TRANSLATE)
    data = page_data(editor_client.get(url("exercise", "change", exercise.pk)))
    data["type"] = ExerciseType.MULTIPLE_CHOICE
    data["answers"] = ""

    response = editor_client.post(url("exercise", "change", exercise.pk), data)

    assert response.status_code == 200
    assert "Multiple choice needs at least two options" in errors_of(response)
    exercise.refresh_from_db()
    assert exercise.type == ExerciseType.TRANSLATE


def test_changing_the_type_refuses_the_solution_fields_the_new_type_does_not_use(
    editor_client, lesson
):
    exercise = lesson.exercises.get(type=ExerciseType.WORD_BANK)
    data = page_data(editor_client.get(url("exercise", "change", exercise.pk)))
    data["type"] = ExerciseType.TRANSLATE

    response = editor_client.post(url("exercise", "change", exercise.pk), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "tiles": ["Translate exercises have no tiles; empty the field."]
    }
    exercise.refresh_from_db()
    assert exercise.type == ExerciseType.WORD_BANK


# --- Wording editors read ------------------------------------------------------------------

RAW_TYPE_CODES = [kind.value for kind in ExerciseType if "_" in kind.value]


def shown_text(html: str) -> str:
    """What a person reads of `html`: its text, entities decoded, whitespace collapsed."""
    text = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(unescape(text).split())


def history_table(response) -> str:
    content = response.content.decode()
    start = content.rindex("<table", 0, content.index('id="change-history"'))
    return shown_text(content[start : content.index("</table>", start)])


def test_the_history_page_leaves_out_a_missing_reason_and_author(editor_client, editor, lesson):
    exercise = ExerciseFactory(lesson=lesson, hint="")  # saved by code: no author, no reason
    data = page_data(editor_client.get(url("exercise", "change", exercise.pk)))
    data["hint"] = "Think of a greeting."
    assert editor_client.post(url("exercise", "change", exercise.pk), data).status_code == 302

    table = history_table(editor_client.get(url("exercise", "history", exercise.pk)))

    assert "None" not in table
    assert f"Changed {editor} Hint: — → Think of a greeting." in table
    assert table.endswith("Created —")


def test_the_history_page_tells_changes_in_words(editor_client, lesson):
    exercise = ExerciseFactory(lesson=lesson, word_bank=True)
    data = page_data(editor_client.get(url("exercise", "change", exercise.pk)))
    data.update(type=ExerciseType.TRANSLATE, tiles="", answers="Buenas noches\nBuenas tardes")
    assert editor_client.post(url("exercise", "change", exercise.pk), data).status_code == 302
    language = lesson.course.learning_language
    data = page_data(editor_client.get(url("language", "change", language.pk)))
    data["rtl"] = "on"
    assert editor_client.post(url("language", "change", language.pk), data).status_code == 302

    exercise_table = history_table(editor_client.get(url("exercise", "history", exercise.pk)))
    language_table = history_table(editor_client.get(url("language", "history", language.pk)))

    assert "Type: Word bank → Translate" in exercise_table
    assert "Tiles: Buenas · noches · días · tardes → —" in exercise_table
    assert "Answers: Buenas noches → Buenas noches · Buenas tardes" in exercise_table
    assert "Right to left: no → yes" in language_table
    for python in ("None", "[", "True", "False", "word_bank"):
        assert python not in exercise_table + language_table


def test_a_draft_course_says_it_was_never_published(editor_client, course):
    content = shown_text(editor_client.get(url("course", "change", course.pk)).content.decode())

    assert "Last published: never" in content
    assert "None" not in content
    assert "Published at" not in content


def test_a_published_course_says_when_it_was_last_published(editor_client, course):
    run_action(editor_client, "publish", course)
    course.refresh_from_db()

    response = editor_client.get(url("course", "change", course.pk))

    content = shown_text(response.content.decode())
    assert "Last published: never" not in content
    when = formats.localize(timezone.template_localtime(course.published_at))
    assert f"Last published: {when} Created at:" in content


def test_exercises_are_named_by_the_label_of_their_type(editor_client, lesson):
    exercise = lesson.exercises.get(type=ExerciseType.FILL_BLANK)
    pages = [
        url("exercise", "changelist"),
        url("exercise", "change", exercise.pk),
        url("lesson", "change", lesson.pk),
        url("lesson", "preview", lesson.pk),
        url("exercise", "history", exercise.pk),
    ]

    for page in pages:
        content = shown_text(editor_client.get(page).content.decode())
        assert "Fill in the blank" in content, page
        assert not [code for code in RAW_TYPE_CODES if code in content], page
    assert str(exercise) == f"Fill in the blank: {exercise.prompt}"


def test_the_exercise_page_says_once_which_types_use_a_field(editor_client, lesson):
    exercise = lesson.exercises.get(type=ExerciseType.TRANSLATE)

    response = editor_client.get(url("exercise", "change", exercise.pk))

    content = shown_text(response.content.decode())
    assert content.count("Translate, listen and type, fill in the blank and word bank") == 1
    assert content.count("Word bank only") == 1
    assert content.count("Match pairs only") == 1


def test_the_lesson_page_explains_prerequisites_once(editor_client, lesson):
    response = editor_client.get(url("lesson", "change", lesson.pk))

    assert shown_text(response.content.decode()).count("Without any, the lesson before") == 1


def test_column_headings_spell_abbreviations_as_editors_write_them(editor_client, course):
    section = course.sections.first()
    unit = Unit.objects.filter(section=section).first()
    exercise = Exercise.objects.filter(lesson__course=course, type="multiple_choice").first()

    section_page = shown_text(
        editor_client.get(url("section", "change", section.pk)).content.decode()
    )
    unit_page = shown_text(editor_client.get(url("unit", "change", unit.pk)).content.decode())
    exercise_page = shown_text(
        editor_client.get(url("exercise", "change", exercise.pk)).content.decode()
    )

    assert "CEFR level" in section_page
    assert "XP reward" in unit_page
    assert "Correct Image Audio" in exercise_page
    assert "Is correct" not in exercise_page


@pytest.mark.parametrize(("language", "saved"), [("en", True), ("fr", False)])
def test_an_editor_states_an_answer_language_of_the_course(editor_client, lesson, language, saved):
    exercise = ExerciseFactory(lesson=lesson, prompt="Hola", answers=["Hello"])
    data = page_data(editor_client.get(url("exercise", "change", exercise.pk)))
    data["answer_language"] = language

    response = editor_client.post(url("exercise", "change", exercise.pk), data)

    exercise.refresh_from_db()
    if saved:
        assert response.status_code == 302, errors_of(response)
        assert exercise.answer_language == "en"
    else:
        assert any("this course's languages" in error for error in errors_of(response))
        assert exercise.answer_language == ""
