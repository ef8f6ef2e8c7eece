"""Production settings: Django's deployment checklist passes, and a missing secret stops the boot.

Each case runs manage.py in a fresh process with a clean environment, because settings are read
once per process. ENV_FILE points at nothing so a developer's own .env cannot colour the result.
"""

import os
import secrets
import subprocess
import sys

from django.conf import settings

MANAGE = str(settings.BASE_DIR / "manage.py")
# What a process needs from the parent to start at all; everything about the app is set below.
_INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")


def _manage(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: os.environ[key] for key in _INHERITED if key in os.environ}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ENV_FILE": str(tmp_path / "no.env"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        **env,
    }
    return subprocess.run(
        [sys.executable, MANAGE, *args],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    result = _manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="example.com",
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "ERRORS" not in output


def test_settings_refuse_to_load_without_a_secret_key_when_debug_is_off(tmp_path):
    result = _manage(tmp_path, "check", DEBUG="false", SECRET_KEY="")

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_debug_off_is_the_default(tmp_path):
    result = _manage(tmp_path, "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_database_connections_are_kept_per_thread_by_default(tmp_path):
    # HTTP runs on a fixed pool of threads (config/serving.py), each keeping its connection; the
    # README's "Serving" has the arithmetic against max_connections.
    result = _manage(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], settings.WEB_THREADS)",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "600 False 2"
