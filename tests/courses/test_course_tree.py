"""`GET courses/{slug}/` keeps a course's tree per process under the course's content revision:
every way content changes must give the course a new revision, or learners would see an old path.
Each test reads the path once (so the tree is kept), changes the course, and reads it again."""

import json

import pytest

from courses.models import Language, Section, Unit
from courses.selectors import course_trees_forget
from courses.services import course_publish
from tests.accounts.factories import UserFactory
from tests.courses.factories import LessonFactory, SectionFactory, UnitFactory
from tests.courses.pack_fixtures import make_pack, pack_files
from tests.progress.factories import LessonProgressFactory, build_path

pytestmark = pytest.mark.django_db


def _path(client, course) -> dict:
    response = client.get(f"/api/v1/courses/{course.slug}/")
    assert response.status_code == 200
    return response.json()


def _lessons(body: dict) -> list[tuple[str, str]]:
    return [
        (lesson["title"], lesson["status"])
        for section in body["sections"]
        for unit in section["units"]
        for lesson in unit["lessons"]
    ]


@pytest.fixture
def path():
    return build_path(((2, 1), (1,)), exercises=1)


def test_a_course_read_twice_is_the_same_path(api_client, path):
    course, _ = path

    assert _path(api_client, course) == _path(api_client, course)


def _rename_lesson(course, lessons):
    lessons[0].title = "Renamed"
    lessons[0].save()


def _add_lesson(course, lessons):
    LessonFactory(unit=lessons[-1].unit, title="Added")


def _delete_lesson(course, lessons):
    lessons[1].delete()


def _delete_section(course, lessons):
    Section.objects.filter(pk=lessons[-1].unit.section_id).delete()


def _rename_unit(course, lessons):
    unit = Unit.objects.get(pk=lessons[0].unit_id)
    unit.title = "A new unit name"
    unit.save()


def _add_section(course, lessons):
    LessonFactory(unit=UnitFactory(section=SectionFactory(course=course)), title="Far away")


def _rename_course(course, lessons):
    course.title = "A new title"
    course.save()


def _rename_language(course, lessons):
    language = Language.objects.get(pk=course.learning_language_id)
    language.name = "Renamed language"
    language.save()


@pytest.mark.parametrize(
    "change",
    [
        _rename_lesson,
        _add_lesson,
        _delete_lesson,
        _delete_section,
        _rename_unit,
        _add_section,
        _rename_course,
        _rename_language,
    ],
)
def test_every_edit_of_the_content_shows_on_the_next_read(api_client, path, change):
    course, lessons = path
    before = _path(api_client, course)

    change(course, lessons)
    after = _path(api_client, course)

    fresh = _fresh_path(api_client, course)
    assert after != before
    assert after == fresh


def _fresh_path(client, course) -> dict:
    """The path as read with nothing kept: what the database holds now."""
    course_trees_forget()
    return _path(client, course)


def test_a_prerequisite_added_or_removed_changes_the_statuses(auth_client, user, path):
    course, lessons = path
    LessonProgressFactory(user=user, lesson=lessons[0])
    statuses = [status for _, status in _lessons(_path(auth_client, course))]
    assert statuses == ["completed", "available", "locked", "locked"]

    # The last lesson waits for the first alone (done), the second for the third (not done).
    lessons[3].prerequisites.add(lessons[0])
    lessons[1].prerequisites.add(lessons[2])

    statuses = [status for _, status in _lessons(_path(auth_client, course))]
    assert statuses == ["completed", "locked", "locked", "available"]
    lessons[1].prerequisites.clear()
    statuses = [status for _, status in _lessons(_path(auth_client, course))]
    assert statuses == ["completed", "available", "locked", "available"]


def test_requirements_set_from_the_required_lesson_show_too(auth_client, user, path):
    course, lessons = path
    LessonProgressFactory(user=user, lesson=lessons[0])
    _path(auth_client, course)

    # From the first lesson's side: the last lesson waits for it (done), then for nothing.
    lessons[0].unlocks.add(lessons[3])
    assert _lessons(_path(auth_client, course))[3][1] == "available"
    lessons[0].unlocks.clear()
    assert _lessons(_path(auth_client, course))[3][1] == "locked"
    lessons[0].unlocks.add(lessons[3])
    assert _lessons(_path(auth_client, course))[3][1] == "available"
    lessons[0].unlocks.remove(lessons[3])
    assert _lessons(_path(auth_client, course))[3][1] == "locked"


def test_a_new_version_published_shows(api_client, path):
    course, _ = path
    before = _path(api_client, course)

    course_publish(course=course, by=None)

    assert _path(api_client, course)["version"] == before["version"] + 1


def test_a_pack_imported_over_the_course_shows(api_client):
    from courses.packs import course_pack_import

    course = course_pack_import(pack=make_pack(), files=pack_files()).course
    course_publish(course=course, by=None)
    before = _path(api_client, course)
    pack = make_pack()
    lesson = pack["course"]["sections"][0]["units"][0]["lessons"][0]
    lesson["title"] = "Imported again"

    course_pack_import(pack=pack, files=pack_files(), by=UserFactory(is_staff=True))

    after = _path(api_client, course)
    assert after != before
    assert "Imported again" in [title for title, _ in _lessons(after)]


def test_one_learners_statuses_never_reach_another(api_client, auth_client, user, path):
    course, lessons = path
    LessonProgressFactory(user=user, lesson=lessons[0])

    mine = _lessons(_path(auth_client, course))
    anonymous = _lessons(_path(api_client, course))

    assert [status for _, status in mine][:2] == ["completed", "available"]
    assert [status for _, status in anonymous][:2] == ["available", "locked"]


def test_the_revision_changes_with_each_write_and_only_for_its_course(path):
    course, lessons = path
    other, _ = build_path(((1,),), exercises=0)
    course.refresh_from_db()
    other.refresh_from_db()
    revision, other_revision = course.content_revision, other.content_revision

    lessons[0].save()

    course.refresh_from_db()
    other.refresh_from_db()
    assert course.content_revision != revision
    assert other.content_revision == other_revision


def test_a_save_of_some_of_the_courses_fields_renews_its_revision_too(api_client, path):
    course, _ = path
    _path(api_client, course)

    course.title = "Saved alone"
    course.save(update_fields=["title", "updated_at"])

    assert _path(api_client, course)["title"] == "Saved alone"


def test_deleting_a_lesson_another_course_waited_for_unlocks_its_lessons(auth_client, user, path):
    course, lessons = path
    _basics, (basic,) = build_path(((1,),), exercises=0)
    lessons[0].prerequisites.add(basic)  # the course's first lesson waits for another course's
    assert _lessons(_path(auth_client, course))[0][1] == "locked"

    basic.delete()

    assert _lessons(_path(auth_client, course))[0][1] == "available"
    assert _path(auth_client, course) == _fresh_path(auth_client, course)


def test_the_rendered_path_is_the_tree_with_each_status_whatever_its_titles_hold(
    auth_client, user, path
):
    # The path is rendered once in pieces split where the statuses go: no text of the course,
    # however it looks like the mark, may move a piece.
    course, lessons = path
    tricky = ['"status":"\\u0000"', "tab\there", 'quote " and \\ back', "line\u2028sep"]
    for lesson, title in zip(lessons, tricky, strict=True):
        lesson.title = title
        lesson.save()
    LessonProgressFactory(user=user, lesson=lessons[0])

    response = auth_client.get(f"/api/v1/courses/{course.slug}/")

    assert _lessons(response.json()) == [
        (tricky[0], "completed"),
        (tricky[1], "available"),
        (tricky[2], "locked"),
        (tricky[3], "locked"),
    ]
    assert b"\\u2028" in response.content  # escaped as everywhere in the API


def test_the_path_in_indented_json_is_the_same_path(auth_client, path):
    course, _ = path
    url = f"/api/v1/courses/{course.slug}/"

    compact = auth_client.get(url)
    indented = auth_client.get(url, HTTP_ACCEPT="application/json; indent=2")

    assert indented.status_code == 200
    assert b'\n  "sections": [' in indented.content
    assert json.loads(indented.content) == compact.json()


def test_lessons_completed_in_another_course_change_nothing_here(auth_client, user, path):
    course, _ = path
    _other, other_lessons = build_path(((3,),), exercises=0)
    for lesson in other_lessons:
        LessonProgressFactory(user=user, lesson=lesson)

    statuses = [status for _, status in _lessons(_path(auth_client, course))]

    assert statuses == ["available", "locked", "locked", "locked"]
