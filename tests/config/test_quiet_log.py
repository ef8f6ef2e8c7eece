"""What `make run` prints when all is well: one line per request, and nothing a newcomer would
take for an error.

Each case runs a real process (uvicorn as the Makefile starts it, or Django's start-up), because
logging is configured once per process, and uvicorn's own before Django's. ENV_FILE points at
nothing so a developer's own .env cannot colour the result.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from django.conf import settings

from config.celery import app as celery_app

# What a process needs from the parent to start at all; everything about the app is set below.
_INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")


def _environment(tmp_path) -> dict[str, str]:
    environment = {key: os.environ[key] for key in _INHERITED if key in os.environ}
    return environment | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ENV_FILE": str(tmp_path / "no.env"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'quiet.sqlite3'}",
        "DEBUG": "true",
        "PYTHONUNBUFFERED": "1",
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, request_id: str | None = None) -> int:
    headers = {"X-Request-ID": request_id} if request_id else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as error:
        return error.code


def _serve_and_get(tmp_path, paths: dict[str, str]) -> tuple[dict[str, int], str]:
    """Start uvicorn with the Makefile's options, GET each path with its request id, stop it;
    the statuses and everything the process wrote."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "off",
        ],
        env=_environment(tmp_path),
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                _get(f"{base}/healthz")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(server.communicate()[0]) from None
                time.sleep(0.3)
        statuses = {rid: _get(f"{base}{path}", rid) for rid, path in paths.items()}
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    return statuses, output


def test_the_server_writes_one_line_per_request_and_no_warning(tmp_path):
    paths = {
        "quiet-200": "/api/schema/",
        "quiet-401": "/api/v1/me/",
        "quiet-404": "/no-such-page/",
        "quiet-static": "/static/admin/css/base.css",
    }

    statuses, output = _serve_and_get(tmp_path, paths)

    assert statuses == {"quiet-200": 200, "quiet-401": 401, "quiet-404": 404, "quiet-static": 200}
    lines = output.splitlines()
    for request_id, path in paths.items():
        [line] = [line for line in lines if path in line or request_id in line]
        assert f"[{request_id}] config.access: GET {path} {statuses[request_id]} " in line
    assert "warning" not in output.lower(), output
    assert "lifespan" not in output, output


def test_starting_django_and_the_local_broker_prints_nothing(tmp_path):
    """What migrate, setup_demo and the worker each do first: set Django up (django-axes logged
    its version banner there) and open the filesystem broker (kombu warned that no host was
    named)."""
    code = (
        "import django; django.setup()\n"
        "from config.celery import app\n"
        "with app.connection_for_write() as connection:\n"
        "    connection.info()\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_environment(tmp_path),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")


def test_what_a_task_prints_is_logged_as_information_not_as_a_warning():
    """The console mail backend prints each mail (on a development machine, the password-reset
    link) in the worker, whose stdout Celery logs: by default as a WARNING per task."""
    assert celery_app.conf.worker_redirect_stdouts_level == "INFO"
