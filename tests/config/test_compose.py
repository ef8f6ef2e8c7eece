"""docker-compose.yml and .env.example agree with the code they start and configure."""

import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from config.serve import uvicorn_argv

ROOT = Path(settings.BASE_DIR)
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def _command(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def _option(argv: list[str], name: str) -> str:
    for index, arg in enumerate(argv):
        if arg == name:
            return argv[index + 1]
        if arg.startswith(f"{name}="):
            return arg.split("=", 1)[1]
    raise AssertionError(f"{name} not in {argv}")


def _import_object(path: str):
    module_name, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def test_every_service_is_there(services):
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_read_their_settings_from_dot_env(services, name):
    env_file = services[name]["env_file"]

    assert (env_file if isinstance(env_file, list) else [env_file]) == [".env"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_services_and_migrations(services, name):
    depends_on = services[name]["depends_on"]

    assert depends_on["db"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"
    assert _command(services["migrate"])[-3:-1] == ["manage.py", "migrate"]


@pytest.mark.parametrize("name", ["db", "redis"])
def test_backing_services_have_health_checks(services, name):
    assert services[name]["healthcheck"]["test"]


def test_web_serves_the_asgi_application_on_all_interfaces(services):
    # `make serve`'s command (tests/config/test_serving.py checks it is the same one).
    argv = _command(services["web"])
    environment = services["web"]["environment"]

    assert argv == ["python", "-m", "config.serve"]
    served = uvicorn_argv(environment)
    assert callable(_import_object(served[1]))
    assert _option(served, "--host") == "0.0.0.0"
    assert _option(served, "--port") == "8000"
    assert services["web"]["ports"] == ["8000:8000"]


@pytest.mark.parametrize(("name", "subcommand"), [("worker", "worker"), ("beat", "beat")])
def test_celery_services_start_the_project_app(services, name, subcommand):
    argv = _command(services[name])

    assert argv[0] == "celery"
    assert subcommand in argv
    app_module = importlib.import_module(_option(argv, "-A"))
    assert app_module.celery_app.main == "lingua"


def test_beat_keeps_its_schedule_in_the_database(services):
    scheduler_path = _option(_command(services["beat"]), "--scheduler")

    scheduler = _import_object(scheduler_path)
    assert scheduler.__name__ == "DatabaseScheduler"
    assert scheduler_path == settings.CELERY_BEAT_SCHEDULER


def test_env_example_documents_every_variable_settings_read():
    source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", source))
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M)
    )

    assert read, "found no env.*() reads in settings.py"
    assert read - documented == set()
