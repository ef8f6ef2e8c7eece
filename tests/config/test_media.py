"""Uploaded media are served with DEBUG off: whole, in byte ranges (Safari's <audio> needs 206),
never outside MEDIA_ROOT and never as anything but the audio or image they are."""

import importlib

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.test import AsyncClient
from django.urls import clear_url_caches

from tests.courses.factories import ExerciseFactory, tiny_ogg, tiny_png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_urls(settings):
    """The URLconf as it is built with DEBUG off (urls.py reads DEBUG once, at import)."""
    debug = django_settings.DEBUG
    settings.DEBUG = False
    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = debug
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def audio() -> bytes:
    return tiny_ogg() + bytes(range(256)) * 8


@pytest.fixture
def exercise(audio):
    exercise = ExerciseFactory()
    exercise.audio.save("hola.ogg", ContentFile(audio))
    return exercise


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_uploaded_exercise_audio_file_is_served_whole(client, exercise, audio):
    response = client.get(exercise.audio.url)

    assert response.status_code == 200
    assert _body(response) == audio
    assert response["Content-Type"] == "audio/ogg"
    assert response["Content-Length"] == str(len(audio))
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response["ETag"]


def test_a_byte_range_is_206_with_just_those_bytes(client, exercise, audio):
    response = client.get(exercise.audio.url, HTTP_RANGE="bytes=10-109")

    assert response.status_code == 206
    assert _body(response) == audio[10:110]
    assert response["Content-Range"] == f"bytes 10-109/{len(audio)}"
    assert response["Content-Length"] == "100"


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=0-1", 0, 1), ("bytes=100-", 100, None), ("bytes=-50", -50, None)],
)
def test_open_and_suffix_ranges(client, exercise, audio, header, first, last):
    response = client.get(exercise.audio.url, HTTP_RANGE=header)

    expected = audio[first : None if last is None else last + 1]
    assert response.status_code == 206
    assert _body(response) == expected


def test_a_range_past_the_end_is_416(client, exercise, audio):
    response = client.get(exercise.audio.url, HTTP_RANGE=f"bytes={len(audio)}-")

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(audio)}"


def test_several_ranges_or_a_stale_if_range_get_the_whole_file(client, exercise, audio):
    several = client.get(exercise.audio.url, HTTP_RANGE="bytes=0-1,5-6")
    stale = client.get(exercise.audio.url, HTTP_RANGE="bytes=0-1", HTTP_IF_RANGE='"old"')

    assert (several.status_code, _body(several)) == (200, audio)
    assert (stale.status_code, _body(stale)) == (200, audio)


def test_a_known_etag_is_304(client, exercise):
    etag = client.get(exercise.audio.url)["ETag"]

    response = client.get(exercise.audio.url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304


def test_head_has_the_headers_and_no_body(client, exercise, audio):
    response = client.head(exercise.audio.url)

    assert response.status_code == 200
    assert response["Content-Length"] == str(len(audio))
    assert response.content == b""


def test_a_missing_file_is_404(client):
    assert client.get("/media/exercises/audio/missing.ogg").status_code == 404


def test_an_image_is_served_as_its_type(client):
    exercise = ExerciseFactory()
    exercise.image.save("sun.png", ContentFile(tiny_png()))

    response = client.get(exercise.image.url)

    assert (response.status_code, response["Content-Type"]) == (200, "image/png")


def test_a_stored_file_of_another_type_is_never_served(client, settings):
    page = settings.MEDIA_ROOT / "exercises" / "images" / "evil.html"
    page.parent.mkdir(parents=True)
    page.write_text("<script>alert(1)</script>")

    assert client.get("/media/exercises/images/evil.html").status_code == 404


@pytest.mark.parametrize("path", ["/media/%2E%2E/outside.ogg", "/media/..%2Foutside.ogg"])
def test_a_path_outside_the_media_root_is_404(client, settings, path):
    (settings.MEDIA_ROOT.parent / "outside.ogg").write_bytes(tiny_ogg())
    settings.MEDIA_ROOT.mkdir(exist_ok=True)

    assert client.get(path).status_code == 404


def test_a_directory_is_404(client, exercise):
    assert client.get("/media/exercises/audio.ogg/").status_code == 404


def test_under_asgi_a_range_streams_asynchronously(exercise, audio):
    async def fetch():
        response = await AsyncClient().get(exercise.audio.url, headers={"Range": "bytes=0-1"})
        return response.status_code, b"".join([part async for part in response.streaming_content])

    assert async_to_sync(fetch)() == (206, audio[:2])
