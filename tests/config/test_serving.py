"""The serving stack as deployed: `python -m config.serve` (what `make serve`, `make run`, compose
and the image start) answers HTTP and WebSockets on one port; and the bridge that hands HTTP to
Django's WSGI handler on threads (config/serving.py) keeps what WSGI promises."""

import asyncio
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import yaml
from django.conf import settings
from django.db import connection
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from config.serve import uvicorn_argv
from config.serving import WSGIBridge, wsgi_environ

ROOT = Path(settings.BASE_DIR)
_INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


# --- The command -------------------------------------------------------------------------------


def test_make_serve_compose_and_the_image_start_the_same_command():
    makefile = (ROOT / "Makefile").read_text()
    [block] = re.findall(r"^serve:.*\n((?:\t.+\n)+)", makefile, re.M)
    *before, recipe = block.strip().splitlines()
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]
    [cmd] = re.findall(r"^CMD (.+)$", (ROOT / "Dockerfile").read_text(), re.M)

    assert recipe.endswith("$(BIN)/python -m config.serve")
    # With DEBUG off the pages need collectstatic's manifest, as the image has it from its build.
    assert any("manage.py collectstatic --noinput" in line for line in before)
    assert "collectstatic" in (ROOT / "Dockerfile").read_text()
    assert web["command"] == ["python", "-m", "config.serve"] == json.loads(cmd)


def test_the_command_honours_host_port_and_web_concurrency():
    argv = uvicorn_argv({"HOST": "0.0.0.0", "PORT": "9001", "WEB_CONCURRENCY": "3"})

    assert argv[:2] == ["uvicorn", "config.asgi:application"]
    assert " --host 0.0.0.0 --port 9001 --workers 3 " in f" {shlex.join(argv)} "
    assert "--proxy-headers" in argv
    defaults = shlex.join(uvicorn_argv({}))
    assert "--host 127.0.0.1 --port 8000 --workers 1" in defaults


# --- As deployed -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    # The test database, whose rows (committed: transaction=True) the server then reads.
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


@pytest.fixture
def served(tmp_path):
    """`python -m config.serve` on a free port, one worker, DEBUG off; its base URL."""
    port = _free_port()
    environment = {key: os.environ[key] for key in _INHERITED if key in os.environ} | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ENV_FILE": str(tmp_path / "no.env"),
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "PYTHONUNBUFFERED": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "config.serve"],
        env=environment,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    raise AssertionError(server.communicate()[0]) from None
                time.sleep(0.3)
        yield base
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    # uvicorn shuts down gracefully, then ends by the signal it got, as a shell expects.
    assert server.returncode in (0, -signal.SIGTERM), output
    assert "Finished server process" in output, output
    assert "Traceback" not in output, output


def _get(url: str, **headers) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _close_code(url: str) -> int:
    with connect(url, open_timeout=10) as websocket:
        with pytest.raises(ConnectionClosed):
            websocket.recv(timeout=10)
        return websocket.close_code


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_one_port_serves_the_api_and_websockets_then_stops_cleanly(served, token_pair, user):
    ws = served.replace("http://", "ws://")
    # From 127.0.0.1, a trusted proxy: uvicorn makes the scheme https, as behind a balancer.
    https = {"X-Forwarded-Proto": "https"}

    assert _get(f"{served}/healthz") == (200, {"status": "ok"})
    status, body = _get(
        f"{served}/api/v1/me/", Authorization=f"Bearer {token_pair.access}", **https
    )
    assert (status, body["email"]) == (200, user.email)
    status, body = _get(f"{served}/api/v1/me/", **https)
    assert status == 401
    # A valid token reaches the router (no consumer here: 4404); none is refused first (4401).
    assert _close_code(f"{ws}/ws/nowhere/?token={token_pair.access}") == 4404
    assert _close_code(f"{ws}/ws/nowhere/") == 4401


# --- The bridge ------------------------------------------------------------------------------


def _scope(**overrides) -> dict:
    return {
        "type": "http",
        "http_version": "1.1",
        "method": "GET",
        "scheme": "https",
        "path": "/ünï/",
        "root_path": "",
        "query_string": b"a=1&b=2",
        "headers": [
            (b"host", b"example.com"),
            (b"cookie", b"a=1"),
            (b"cookie", b"b=2"),
            (b"x-thing", b"one"),
            (b"x-thing", b"two"),
            (b"content-type", b"application/json"),
            (b"content-length", b"2"),
        ],
        "server": ("10.0.0.1", 443),
        "client": ("10.0.0.2", 5555),
    } | overrides


def test_the_environ_carries_what_wsgi_promises():
    environ = wsgi_environ(_scope(), body=None)

    assert environ["PATH_INFO"].encode("latin-1").decode("utf-8") == "/ünï/"
    assert environ["QUERY_STRING"] == "a=1&b=2"
    assert environ["wsgi.url_scheme"] == "https"
    assert environ["HTTP_COOKIE"] == "a=1; b=2"
    assert environ["HTTP_X_THING"] == "one,two"
    assert (environ["CONTENT_TYPE"], environ["CONTENT_LENGTH"]) == ("application/json", "2")
    assert "HTTP_CONTENT_TYPE" not in environ
    assert (environ["REMOTE_ADDR"], environ["SERVER_PORT"]) == ("10.0.0.2", "443")


def _run(application, scope, bodies: list[bytes]) -> list[dict]:
    incoming = [
        {"type": "http.request", "body": body, "more_body": index < len(bodies) - 1}
        for index, body in enumerate(bodies)
    ]
    sent = []

    async def receive():
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    _in_a_thread_of_its_own(application(scope, receive, send))
    return sent


def _in_a_thread_of_its_own(coroutine) -> None:
    # Its own event loop in its own thread: another test may leave a loop running in this one
    # (Playwright's sync API does), where asyncio.run and async_to_sync refuse to start.
    failures = []

    def run():
        try:
            asyncio.run(coroutine)
        except BaseException as error:
            failures.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    if failures:
        raise failures[0]


def test_the_body_reaches_the_application_and_its_answer_comes_back_whole():
    seen = {}

    def application(environ, start_response):
        seen["body"] = environ["wsgi.input"].read()
        start_response("201 Created", [("Content-Type", "text/plain")])
        return [b"made ", b"it"]

    bridge = WSGIBridge(application, threads=2)
    sent = _run(bridge, _scope(method="POST"), [b"he", b"llo"])
    bridge.shutdown()

    assert seen["body"] == b"hello"
    assert sent == [
        {
            "type": "http.response.start",
            "status": 201,
            "headers": [(b"Content-Type", b"text/plain")],
        },
        {"type": "http.response.body", "body": b"made it"},
    ]


def test_a_chunked_body_without_a_length_is_read_whole():
    seen = {}

    def application(environ, start_response):
        seen["length"] = environ["CONTENT_LENGTH"]
        seen["body"] = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        start_response("200 OK", [])
        return [b""]

    scope = _scope(method="POST")
    scope["headers"] = [header for header in scope["headers"] if header[0] != b"content-length"]
    bridge = WSGIBridge(application, threads=1)
    _run(bridge, scope, [b"abc", b"def"])
    bridge.shutdown()

    assert seen == {"length": "6", "body": b"abcdef"}


def test_a_streaming_answer_is_sent_chunk_by_chunk_and_closed():
    closed = []

    class Streaming:
        streaming = True

        def __iter__(self):
            yield from (b"one", b"two", b"three")

        def close(self):
            closed.append(True)

    def application(environ, start_response):
        start_response("200 OK", [])
        return Streaming()

    bridge = WSGIBridge(application, threads=1)
    sent = _run(bridge, _scope(), [b""])
    bridge.shutdown()

    assert [message.get("body") for message in sent[1:]] == [b"one", b"two", b"three", b""]
    assert closed == [True]


def test_a_client_gone_before_its_body_is_not_served():
    def application(environ, start_response):
        raise AssertionError("served")

    async def receive():
        return {"type": "http.disconnect"}

    sent = []

    async def send(message):
        sent.append(message)

    _in_a_thread_of_its_own(WSGIBridge(application, threads=1)(_scope(), receive, send))

    assert sent == []
