"""Course packs from the admin: the import page, the downloads, for an editor."""

import io
import json
import zipfile

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.admin.packs import CoursePackAdminMixin
from courses.models import Course, Exercise, ExerciseOption, Word
from courses.packs import (
    course_pack_dumps,
    course_pack_export,
    course_pack_import,
    pack_canonical,
)
from tests.accounts.factories import UserFactory
from tests.courses.factories import build_course
from tests.courses.pack_fixtures import (
    HOLA_AUDIO,
    HOLA_IMAGE,
    lesson_of,
    make_pack,
    pack_files,
    zip_pack,
)

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:courses_course_import_pack"
G1 = "course.sections[0].units[0].lessons[0]"


@pytest.fixture
def editor(db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def course(db):
    return course_pack_import(pack=make_pack(), files=pack_files()).course


def upload(data: bytes, name: str = "pack.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_the_course_admin_offers_course_packs():
    assert isinstance(admin.site._registry[Course], CoursePackAdminMixin)


def test_the_course_list_links_to_the_import_page_and_the_downloads(editor_client, course):
    response = editor_client.get(reverse("admin:courses_course_changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    assert reverse(IMPORT_URL) in page
    assert reverse("admin:courses_course_download_pack", args=[course.pk]) in page
    assert reverse("admin:courses_course_download_pack_zip", args=[course.pk]) in page


def test_the_import_page_opens_for_an_editor(editor_client):
    response = editor_client.get(reverse(IMPORT_URL))

    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content


def test_an_editor_uploads_a_zip_and_the_course_is_created(editor_client, editor):
    response = editor_client.post(reverse(IMPORT_URL), {"pack": upload(zip_pack(make_pack()))})

    course = Course.objects.get(slug="es-from-en")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:courses_course_change", args=[course.pk])
    assert course_pack_export(course=course) == pack_canonical(make_pack())
    assert course.history.latest("history_date").history_user == editor
    page = editor_client.get(response["Location"]).content.decode()
    assert "Created course “Spanish for English speakers” (es-from-en)" in page


def test_an_editor_uploads_a_json_pack_without_media(editor_client):
    pack = make_pack()
    first = lesson_of(pack, "greetings-1")
    del first["words"][0]["image"]
    del first["exercises"][2]

    response = editor_client.post(
        reverse(IMPORT_URL), {"pack": upload(json.dumps(pack).encode(), "pack.json")}
    )

    assert response.status_code == 302
    assert Course.objects.filter(slug="es-from-en").exists()


def test_a_broken_pack_shows_every_problem_with_its_place_and_saves_nothing(editor_client):
    pack = make_pack()
    lesson_of(pack, "greetings-1")["exercises"][0]["options"][1]["correct"] = True
    files = {**pack_files(), HOLA_AUDIO: pack_files()[HOLA_IMAGE]}

    response = editor_client.post(reverse(IMPORT_URL), {"pack": upload(zip_pack(pack, files))})

    assert response.status_code == 200
    assert [tuple(problem) for problem in response.context["problems"]] == [
        (f"{G1}.exercises[0]", "multiple_choice needs exactly one correct option (it has 2)"),
        (
            f"{G1}.exercises[2].audio",
            f"file '{HOLA_AUDIO}': This file is not MP3, OGG or WAV audio "
            "(its content says image/png).",
        ),
    ]
    page = response.content.decode()
    assert "The pack has 2 problems; nothing was imported." in page
    assert f"<code>{G1}.exercises[0]</code>" in page
    assert not Course.objects.exists()


def test_a_file_that_is_not_a_pack_is_refused_on_the_form(editor_client):
    response = editor_client.post(reverse(IMPORT_URL), {"pack": upload(b"\xff\xfe", "x.json")})

    assert response.status_code == 200
    assert [tuple(problem) for problem in response.context["problems"]] == [
        ("pack", "the pack is not UTF-8 text (is it a .json file?)")
    ]


def test_a_zip_with_a_damaged_pack_is_refused_on_the_page(editor_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pack.json", json.dumps(make_pack()))
    data = bytearray(buffer.getvalue())
    data[40:50] = bytes(byte ^ 0xFF for byte in data[40:50])  # inside the deflated pack.json

    response = editor_client.post(reverse(IMPORT_URL), {"pack": upload(bytes(data))})

    assert response.status_code == 200
    [(where, message)] = response.context["problems"]
    assert where == "pack"
    assert message.startswith("cannot read pack.json from the zip: it is damaged")
    assert not Course.objects.exists()


def test_the_import_form_needs_a_file(editor_client):
    response = editor_client.post(reverse(IMPORT_URL), {})

    assert response.status_code == 200
    assert response.context["form"].errors == {"pack": ["This field is required."]}


def test_a_dry_run_from_the_admin_saves_nothing(editor_client):
    response = editor_client.post(
        reverse(IMPORT_URL), {"pack": upload(zip_pack(make_pack())), "dry_run": "on"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(IMPORT_URL)
    assert not Course.objects.exists()


def test_staff_without_content_permissions_cannot_import(client):
    client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse(IMPORT_URL))

    assert response.status_code == 403


def test_download_returns_the_pack_as_json(editor_client, course):
    response = editor_client.get(reverse("admin:courses_course_download_pack", args=[course.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="es-from-en.json"'
    assert json.loads(response.content) == course_pack_export(course=course)


def test_download_with_media_returns_a_zip_the_importer_takes_back(editor_client, course):
    response = editor_client.get(
        reverse("admin:courses_course_download_pack_zip", args=[course.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == sorted(["pack.json", HOLA_AUDIO, HOLA_IMAGE])
        assert archive.read(HOLA_AUDIO) == pack_files()[HOLA_AUDIO]


def test_download_of_an_unknown_course_redirects(editor_client):
    response = editor_client.get(reverse("admin:courses_course_download_pack", args=[999]))

    assert response.status_code == 302


def test_the_download_action_returns_the_selected_course_as_json(editor_client, course):
    response = editor_client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "download_packs", ACTION_CHECKBOX_NAME: [course.pk]},
    )

    assert response.status_code == 200
    assert json.loads(response.content) == course_pack_export(course=course)


def test_the_download_action_zips_several_courses(editor_client, course):
    other = course_pack_import(pack=make_pack(slug="es-from-en-2"), files=pack_files()).course

    response = editor_client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "download_packs", ACTION_CHECKBOX_NAME: [course.pk, other.pk]},
    )

    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["es-from-en-2.json", "es-from-en.json"]


# --- JSON round trip: a downloaded .json uploads back -------------------------------------


def media_names(course: Course) -> list[tuple[str, str]]:
    """Every stored file name the course's rows hold, with where."""
    names = []
    for word in Word.objects.filter(course=course).order_by("pk"):
        names += [
            (f"word {word.text} audio", word.audio.name),
            (f"word {word.text}", word.image.name),
        ]
    for exercise in Exercise.objects.filter(lesson__course=course).order_by("pk"):
        names += [(f"exercise {exercise.pk} audio", exercise.audio.name)]
        names += [(f"exercise {exercise.pk} image", exercise.image.name)]
    for option in ExerciseOption.objects.filter(exercise__lesson__course=course).order_by("pk"):
        names += [(f"option {option.pk}", f"{option.image.name} {option.audio.name}")]
    return names


def upload_json(client, pack: dict, **fields):
    data = course_pack_dumps(pack).encode()
    return client.post(reverse(IMPORT_URL), {"pack": upload(data, "pack.json"), **fields})


def messages_of(client, response) -> list[str]:
    return [str(m) for m in client.get(response["Location"]).context["messages"]]


@pytest.mark.parametrize("how", ["link", "action"])
def test_a_downloaded_json_pack_uploads_back_and_changes_nothing(editor_client, course, how):
    before = course_pack_export(course=course)
    names = media_names(course)
    if how == "link":
        download = editor_client.get(
            reverse("admin:courses_course_download_pack", args=[course.pk])
        )
    else:
        download = editor_client.post(
            reverse("admin:courses_course_changelist"),
            {"action": "download_packs", ACTION_CHECKBOX_NAME: [course.pk]},
        )

    for _ in range(2):  # and again: importing the same pack twice changes nothing
        response = editor_client.post(
            reverse(IMPORT_URL), {"pack": upload(download.content, "es-from-en.json")}
        )

        assert response.status_code == 302, response.context and response.context["problems"]
        assert "is already up to date: nothing changed." in messages_of(editor_client, response)[0]
    assert course_pack_export(course=course) == before
    assert media_names(course) == names


def test_a_json_pack_changes_a_course_and_keeps_its_stored_media(editor_client, course):
    names = media_names(course)
    pack = course_pack_export(course=course)
    pack["course"]["title"] = "Spanish, again"
    lesson = lesson_of(pack, "greetings-1")
    # The listening exercise's audio also goes on the word: a path the course holds.
    [hola] = [word for word in lesson["words"] if word["text"] == "hola"]
    hola["audio"] = lesson["exercises"][2]["audio"]

    response = upload_json(editor_client, pack)

    assert response.status_code == 302, response.context and response.context["problems"]
    course.refresh_from_db()
    assert course.title == "Spanish, again"
    word = Word.objects.get(course=course, text="hola")
    exercise = Exercise.objects.get(lesson__course=course, type="listen_type")
    assert word.audio.name == exercise.audio.name
    assert [n for n in media_names(course) if "word" not in n[0]] == [
        n for n in names if "word" not in n[0]
    ]
    assert course_pack_export(course=course) == pack_canonical(pack)


def test_a_json_pack_naming_media_the_course_does_not_hold_is_refused(editor_client, course):
    pack = course_pack_export(course=course)
    lesson_of(pack, "greetings-1")["exercises"][2]["audio"] = "audio/new.wav"

    response = upload_json(editor_client, pack)

    assert response.status_code == 200
    assert [tuple(problem) for problem in response.context["problems"]] == [
        (
            f"{G1}.exercises[2].audio",
            "file 'audio/new.wav' is not in the pack: no media came with it (import a .zip "
            "holding the pack and its files, or the pack file from its folder)",
        )
    ]


def test_a_json_pack_for_a_new_course_still_needs_its_media(editor_client, course):
    pack = course_pack_export(course=course)
    pack["course"]["slug"] = "es-from-en-copy"

    response = upload_json(editor_client, pack)

    assert response.status_code == 200
    assert len(response.context["problems"]) == 2  # the audio and the image
    assert not Course.objects.filter(slug="es-from-en-copy").exists()


def test_a_json_pack_whose_stored_media_left_the_store_is_refused(editor_client, course):
    exercise = Exercise.objects.get(lesson__course=course, type="listen_type")
    exercise.audio.storage.delete(exercise.audio.name)

    response = upload_json(editor_client, course_pack_export(course=course))

    assert response.status_code == 200
    assert [tuple(problem) for problem in response.context["problems"]] == [
        (
            f"{G1}.exercises[2].audio",
            f"file '{HOLA_AUDIO}' is not in the pack, and the course's copy of it is missing "
            "from the media store (import a .zip holding the pack and the file)",
        )
    ]


def test_a_json_pack_of_a_course_with_media_uploaded_in_the_admin_uploads_back(editor_client):
    built = build_course(lessons=2, exercises_per_lesson=6, published=False)
    names = media_names(built)
    assert any(name.startswith("exercises/audio/") for _, name in names)
    download = editor_client.get(reverse("admin:courses_course_download_pack", args=[built.pk]))

    response = editor_client.post(
        reverse(IMPORT_URL), {"pack": upload(download.content, "pack.json")}
    )

    assert response.status_code == 302, response.context and response.context["problems"]
    assert "is already up to date: nothing changed." in messages_of(editor_client, response)[0]
    assert media_names(built) == names
