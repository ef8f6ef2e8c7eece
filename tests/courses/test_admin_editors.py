"""What an editor meets in the admin beyond saving: problems on the right field, a course's
outline, exercises in course order, the pack format, and pages without doubled punctuation or
headings."""

import json
import re
from collections import Counter
from html import unescape

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.staticfiles import finders
from django.urls import reverse

from courses.admin.forms import exercises as exercise_forms
from courses.models import Exercise, Lesson, Section, Unit
from exercises.problems import Problem, ProblemCode
from exercises.types import ExerciseType
from tests.courses.factories import ExerciseFactory, build_course

pytestmark = pytest.mark.django_db


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:courses_{model}_{view}", args=args)


def exercise_add_data(lesson: Lesson, **fields) -> dict:
    return {
        "lesson": lesson.pk,
        "position": 90,
        "key": "",
        "type": ExerciseType.TRANSLATE,
        "prompt": "Hola",
        "hint": "",
        "explanation": "",
        "answers": "Hello",
        "tiles": "",
        "pairs": "",
        "options-TOTAL_FORMS": "0",
        "options-INITIAL_FORMS": "0",
        **fields,
    }


# --- Problems are data -----------------------------------------------------------------------


def test_a_rule_problem_is_shown_on_the_field_it_names_whatever_its_words(
    editor_client, monkeypatch
):
    # Given a rule whose sentence speaks of answers and prompts but names the hint as its field
    lesson = build_course(lessons=1, published=False).lessons.get()
    odd = Problem(code="odd", field="hint", template="the answer and the prompt disagree")
    monkeypatch.setattr(exercise_forms, "exercise_problems", lambda spec: [odd])

    # When an editor adds an exercise
    response = editor_client.post(url("exercise", "add"), exercise_add_data(lesson))

    # Then the message sits on the hint, nowhere else
    form = response.context["adminform"].form
    assert form.errors == {"hint": ["the answer and the prompt disagree"]}


def test_a_rule_problem_without_a_field_on_the_form_is_a_form_error(editor_client, monkeypatch):
    lesson = build_course(lessons=1, published=False).lessons.get()
    odd = Problem(
        code="odd", field="options", template="%(type)s is odd", params=(("type", "translate"),)
    )
    monkeypatch.setattr(exercise_forms, "exercise_problems", lambda spec: [odd])

    response = editor_client.post(url("exercise", "add"), exercise_add_data(lesson))

    assert response.context["adminform"].form.non_field_errors() == ["Translate is odd"]


def test_a_refused_publish_links_to_the_field_to_fix(editor_client):
    course = build_course(lessons=1, exercises_per_lesson=2, published=False)
    broken = Exercise.objects.get(lesson__course=course, type=ExerciseType.MULTIPLE_CHOICE)
    broken.options.update(is_correct=False)
    translate = Exercise.objects.get(lesson__course=course, type=ExerciseType.TRANSLATE)
    Exercise.objects.filter(pk=translate.pk).update(answers=[])

    response = editor_client.post(
        url("course", "changelist"),
        {"action": "publish", ACTION_CHECKBOX_NAME: [str(course.pk)]},
    )

    content = response.content.decode()
    assert f'href="{url("exercise", "change", broken.pk)}#options-group"' in content
    assert f'href="{url("exercise", "change", translate.pk)}#id_answers"' in content


def test_publish_problems_carry_their_code_and_field():
    from courses.services import course_problems

    course = build_course(lessons=1, exercises_per_lesson=2, published=False)
    Exercise.objects.filter(lesson__course=course, type=ExerciseType.TRANSLATE).update(prompt="")

    [problem] = course_problems(course=course)

    assert (problem.code, problem.field) == (ProblemCode.PROMPT_MISSING, "prompt")


# --- A course leads to its units and lessons ---------------------------------------------------


def test_a_course_page_outlines_every_section_unit_and_lesson_with_links(editor_client):
    course = build_course(lessons=4, lessons_per_unit=2, units_per_section=1, published=False)

    response = editor_client.get(url("course", "change", course.pk))

    content = response.content.decode()
    outline = content[content.index('class="course-outline"') :]
    for model, rows in (
        ("section", Section.objects.filter(course=course)),
        ("unit", Unit.objects.filter(section__course=course)),
        ("lesson", course.lessons.all()),
    ):
        for row in rows:
            assert f'href="{url(model, "change", row.pk)}"' in outline, row
    # In course order: lesson 3 (second section) after lesson 2 (first section).
    assert outline.index(">Lesson 2<") < outline.index(">Lesson 3<")


def test_the_outline_costs_the_same_queries_for_a_small_or_large_course(
    editor_client, django_assert_max_num_queries
):
    small = build_course(lessons=1, published=False)
    large = build_course(lessons=30, lessons_per_unit=3, published=False)
    editor_client.get(url("course", "change", small.pk))
    with django_assert_max_num_queries(40) as small_run:
        editor_client.get(url("course", "change", small.pk))

    with django_assert_max_num_queries(len(small_run.captured_queries) + 1):
        editor_client.get(url("course", "change", large.pk))


# --- Exercises in course order ---------------------------------------------------------------


def test_the_exercise_list_is_in_course_order(editor_client):
    course = build_course(lessons=3, exercises_per_lesson=2, published=False)
    # Slugs that sort otherwise than the lessons stand in the course.
    for lesson, slug in zip(
        course.lessons.order_by("position"), ["zeta", "alpha", "mid"], strict=True
    ):
        Lesson.objects.filter(pk=lesson.pk).update(slug=slug)

    response = editor_client.get(url("exercise", "changelist"))

    shown = [(e.lesson.position, e.position) for e in response.context["cl"].result_list]
    assert shown == [(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 2)]


# --- The pack format -------------------------------------------------------------------------


def test_the_import_page_links_to_the_pack_format_and_its_schema(editor_client):
    response = editor_client.get(url("course", "import_pack"))

    content = response.content.decode()
    assert f'href="{url("course", "pack_format")}"' in content
    assert f'href="{url("course", "pack_schema")}"' in content


def test_the_pack_format_page_explains_each_exercise_type(editor_client):
    response = editor_client.get(url("course", "pack_format"))

    assert response.status_code == 200
    content = response.content.decode()
    for kind in ExerciseType:
        assert f"<code>{kind}</code>" in content


def test_the_pack_schema_is_served_to_editors(editor_client):
    response = editor_client.get(url("course", "pack_schema"))

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert {"lesson", "exercise"} <= set(schema["$defs"])


def test_the_pack_format_is_refused_to_people_without_access(client, user):
    client.force_login(user)

    response = client.get(url("course", "pack_format"))

    assert response.status_code == 302  # to the admin's sign-in: not staff


# --- Tables that fit -------------------------------------------------------------------------


def test_content_pages_load_the_admin_stylesheet_that_sizes_inline_tables(editor_client):
    course = build_course(lessons=1, published=False)

    response = editor_client.get(url("course", "change", course.pk))

    assert "admin/courses/content.css" in response.content.decode()
    assert finders.find("admin/courses/content.css")


def test_the_section_rows_of_a_course_page_have_short_descriptions(editor_client):
    course = build_course(lessons=1, published=False)

    response = editor_client.get(url("course", "change", course.pk))

    assert re.search(
        r'<textarea name="sections-0-description"[^>]*rows="2"', response.content.decode()
    )


# --- No doubled punctuation or headings --------------------------------------------------------


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", html))


def _headings(html: str) -> list[str]:
    found = re.findall(r"<h([12])\b[^>]*>(.*?)</h\1>", html, flags=re.S)
    return [" ".join(_visible_text(text).split()).lower() for _level, text in found]


@pytest.fixture
def sentences_course():
    """Titles and prompts that end with a full stop, as editors write them."""
    course = build_course(lessons=1, exercises_per_lesson=2, published=False, title="Basics.")
    lesson = course.lessons.get()
    Lesson.objects.filter(pk=lesson.pk).update(title="Good evening.")
    ExerciseFactory(lesson=lesson, prompt="Buenas tardes.", answers=["Good evening."])
    return course


def _pages(course) -> list[str]:
    lesson = course.lessons.get()
    exercise = lesson.exercises.get(prompt="Buenas tardes.")
    section = course.sections.get()
    unit = Unit.objects.get(section=section)
    return [
        url("course", "change", course.pk),
        url("course", "history", course.pk),
        url("course", "delete", course.pk),
        url("section", "change", section.pk),
        url("unit", "change", unit.pk),
        url("lesson", "change", lesson.pk),
        url("lesson", "preview", lesson.pk),
        url("lesson", "delete", lesson.pk),
        url("exercise", "changelist"),
        url("exercise", "change", exercise.pk),
        url("exercise", "history", exercise.pk),
        url("exercise", "delete", exercise.pk),
        url("course", "import_pack"),
        url("course", "pack_format"),
    ]


def test_no_admin_page_doubles_punctuation_or_headings(admin_client, sentences_course):
    for page in _pages(sentences_course):
        response = admin_client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        text = _visible_text(html)

        assert not re.search(r'\.["”]\.', text), (page, re.search(r'.{30}\.["”]\..{10}', text))
        assert not re.search(r"(?<!\.)\.\.(?!\.)", text), page
        repeated = [h for h, n in Counter(_headings(html)).items() if n > 1]
        assert repeated == [], (page, repeated)


def test_breadcrumbs_name_the_app_apart_from_its_courses(editor_client, sentences_course):
    response = editor_client.get(url("course", "change", sentences_course.pk))

    breadcrumbs = re.search(
        r'<div class="breadcrumbs">(.*?)</div>', response.content.decode(), re.S
    )
    crumbs = [" ".join(c.split()) for c in _visible_text(breadcrumbs[1]).split("›")]  # noqa: RUF001
    assert crumbs == ["Home", "Course content", "Courses", "Basics."]


def test_saving_an_exercise_whose_prompt_ends_a_sentence_says_so_once(
    admin_client, sentences_course
):
    exercise = Exercise.objects.get(prompt="Buenas tardes.")
    from tests.courses.admin_forms import page_data

    page = admin_client.get(url("exercise", "change", exercise.pk))

    response = admin_client.post(
        url("exercise", "change", exercise.pk), page_data(page), follow=True
    )

    shown = [str(message) for message in response.context["messages"]]
    assert shown, "a message says the exercise was saved"
    for message in shown:
        assert not re.search(r'\.["”]\.', message), message
        assert ".." not in message, message
