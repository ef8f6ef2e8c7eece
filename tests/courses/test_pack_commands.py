"""`import_course` and `export_course`: thin shells over the pack services."""

import io
import json
import zipfile

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from courses import services
from courses.models import Course, CourseStatus, Exercise
from courses.packs import course_pack_export, pack_canonical
from courses.services import ContentProblem
from tests.courses.pack_fixtures import (
    HOLA_AUDIO,
    HOLA_IMAGE,
    lesson_of,
    make_pack,
    pack_files,
    write_pack,
    zip_pack,
)

pytestmark = pytest.mark.django_db

G1 = "course.sections[0].units[0].lessons[0]"


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_course_reads_a_pack_and_its_media_from_its_folder(tmp_path):
    path = write_pack(tmp_path / "pack", make_pack())

    out, _ = run("import_course", str(path))

    course = Course.objects.get(slug="es-from-en")
    assert out.startswith("Created course “Spanish for English speakers” (es-from-en)")
    listening = Exercise.objects.get(type="listen_type")
    assert listening.audio.read() == pack_files()[HOLA_AUDIO]
    assert course_pack_export(course=course) == pack_canonical(make_pack())


def test_import_course_twice_says_nothing_changed(tmp_path):
    path = write_pack(tmp_path / "pack", make_pack())
    run("import_course", str(path))

    out, _ = run("import_course", str(path))

    assert "already up to date: nothing changed" in out


def test_an_exported_json_imports_back_from_the_shell_without_its_media(tmp_path):
    path = write_pack(tmp_path / "pack", make_pack())
    run("import_course", str(path))
    exported, _ = run("export_course", "es-from-en")
    alone = tmp_path / "elsewhere" / "es-from-en.json"
    alone.parent.mkdir()
    alone.write_text(exported, encoding="utf-8")

    out, _ = run("import_course", str(alone))

    assert "already up to date: nothing changed" in out


def test_a_pack_carrying_a_file_the_course_holds_replaces_it(tmp_path):
    run("import_course", str(write_pack(tmp_path / "first", make_pack())))
    other = {**pack_files(), HOLA_AUDIO: pack_files()[HOLA_AUDIO] + bytes(8)}

    out, _ = run("import_course", str(write_pack(tmp_path / "second", make_pack(), files=other)))

    assert "exercises: 1 updated" in out
    assert Exercise.objects.get(type="listen_type").audio.read() == other[HOLA_AUDIO]


def test_import_course_reads_a_zip(tmp_path):
    path = tmp_path / "es-from-en.zip"
    path.write_bytes(zip_pack(make_pack()))

    run("import_course", str(path))

    assert Course.objects.filter(slug="es-from-en").exists()


def test_import_course_dry_run_saves_nothing(tmp_path):
    path = write_pack(tmp_path / "pack", make_pack())

    out, _ = run("import_course", str(path), "--dry-run")

    assert out.strip().endswith("(Dry run: nothing was saved.)")
    assert not Course.objects.exists()


def test_import_course_lists_every_problem_and_writes_nothing(tmp_path):
    pack = make_pack(format="course-pack/2")
    lesson_of(pack, "greetings-1")["exercises"][0]["options"][1]["correct"] = True
    path = write_pack(tmp_path / "pack", pack)

    with pytest.raises(CommandError) as refused:
        run("import_course", str(path))

    message = str(refused.value)
    assert "The course pack has 2 problems; nothing was imported." in message
    assert 'format: must be "course-pack/1", not "course-pack/2"' in message
    assert (
        f"{G1}.exercises[0]: multiple_choice needs exactly one correct option (it has 2)" in message
    )
    assert refused.value.returncode == 1
    assert not Course.objects.exists()


def test_import_course_exits_non_zero_from_the_shell(tmp_path, capsys, monkeypatch):
    path = write_pack(tmp_path / "pack", make_pack(), files={HOLA_IMAGE: pack_files()[HOLA_IMAGE]})
    # run_from_argv closes every connection when it ends, the test database's included.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)

    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "import_course", str(path)]).execute()

    assert exited.value.code == 1
    assert f"{G1}.exercises[2].audio: file '{HOLA_AUDIO}' is not in the pack" in (
        capsys.readouterr().err
    )
    assert not Course.objects.exists()


def test_import_course_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "pack.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        run("import_course", str(path))

    assert "pack: not valid JSON: Expecting property name enclosed in double quotes" in str(
        refused.value
    )


def test_export_course_prints_the_pack(tmp_path):
    run("import_course", str(write_pack(tmp_path / "pack", make_pack())))

    out, err = run("export_course", "es-from-en")

    assert json.loads(out) == pack_canonical(make_pack())
    assert "add --media-dir to copy them" in err


def test_export_course_writes_a_folder_that_imports_again(tmp_path):
    run("import_course", str(write_pack(tmp_path / "pack", make_pack())))
    target = tmp_path / "exported"
    target.mkdir()

    run("export_course", "es-from-en", "-o", str(target / "pack.json"), "--media-dir", str(target))

    assert (target / HOLA_AUDIO).read_bytes() == pack_files()[HOLA_AUDIO]
    assert (target / HOLA_IMAGE).read_bytes() == pack_files()[HOLA_IMAGE]
    exported = json.loads((target / "pack.json").read_text(encoding="utf-8"))
    Course.objects.all().delete()
    run("import_course", str(target / "pack.json"))
    assert course_pack_export(course=Course.objects.get()) == exported


def test_export_course_to_a_zip_holds_the_pack_and_its_media(tmp_path):
    run("import_course", str(write_pack(tmp_path / "pack", make_pack())))
    target = tmp_path / "course.zip"

    run("export_course", "es-from-en", "-o", str(target))

    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == sorted(["pack.json", HOLA_AUDIO, HOLA_IMAGE])
        assert json.loads(archive.read("pack.json")) == pack_canonical(make_pack())


def test_export_course_makes_the_folder_it_is_told_to_write_into(tmp_path):
    run("import_course", str(write_pack(tmp_path / "pack", make_pack())))
    target = tmp_path / "new" / "folder"

    run("export_course", "es-from-en", "-o", str(target / "pack.json"), "--media-dir", str(target))

    assert json.loads((target / "pack.json").read_text()) == pack_canonical(make_pack())


def test_export_course_to_a_path_it_cannot_write_is_a_command_error(tmp_path):
    run("import_course", str(write_pack(tmp_path / "pack", make_pack())))
    (tmp_path / "a-file").write_text("")

    with pytest.raises(CommandError, match="Cannot write"):
        run("export_course", "es-from-en", "-o", str(tmp_path / "a-file" / "course.zip"))


def test_export_course_refuses_an_unknown_slug():
    with pytest.raises(CommandError, match=r"There is no course with the slug 'nope'\."):
        run("export_course", "nope")


def test_import_course_publish_publishes_a_draft_once(tmp_path):
    path = write_pack(tmp_path / "pack", make_pack())

    out, _ = run("import_course", str(path), "--publish")
    again, _ = run("import_course", str(path), "--publish")

    course = Course.objects.get(slug="es-from-en")
    assert (course.status, course.version) == (CourseStatus.PUBLISHED, 1)
    assert "Published version 1." in out
    assert "Published" not in again


def test_import_course_publish_publishes_a_changed_course_as_a_new_version(tmp_path):
    run("import_course", str(write_pack(tmp_path / "v1", make_pack())), "--publish")
    changed = make_pack()
    changed["course"]["description"] = "Now with more words."

    out, _ = run("import_course", str(write_pack(tmp_path / "v2", changed)), "--publish")

    assert "Published version 2." in out
    assert Course.objects.get(slug="es-from-en").version == 2


def test_import_course_publish_names_what_blocks_publishing(tmp_path, monkeypatch):
    blocker = ContentProblem("Section 1, Unit 1", "the lesson has no exercises", None)
    monkeypatch.setattr(services, "course_problems", lambda *, course: [blocker])

    with pytest.raises(CommandError, match=r"not published:\n  .*the lesson has no exercises"):
        run("import_course", str(write_pack(tmp_path / "pack", make_pack())), "--publish")

    assert Course.objects.get(slug="es-from-en").status == CourseStatus.DRAFT


def test_import_course_dry_run_never_publishes(tmp_path):
    run("import_course", str(write_pack(tmp_path / "pack", make_pack())), "--dry-run", "--publish")

    assert not Course.objects.exists()
