"""Liveness and readiness: what load balancers and orchestrators ask before sending traffic."""

import pytest
from django.conf import settings as django_settings

from config import celery_app, health


def _fail():
    raise ConnectionError("connection refused")


def test_healthz_answers_ok_without_touching_services(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_when_every_check_passes(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "channel_layer": "ok", "broker": "ok"},
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["database", "cache", "channel_layer", "broker"])
def test_readyz_is_503_and_names_the_check_that_is_down(client, monkeypatch, name):
    monkeypatch.setitem(health.CHECKS, name, _fail)

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"][name] == "down"
    assert all(state == "ok" for check, state in body["checks"].items() if check != name)
    assert body["error"] == {"code": "not_ready", "message": f"Down: {name}."}


@pytest.mark.django_db
def test_readyz_names_every_check_that_is_down(client, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "cache", _fail)
    monkeypatch.setitem(health.CHECKS, "broker", _fail)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["error"]["message"] == "Down: broker, cache."


@pytest.fixture
def broker_url(settings, monkeypatch):
    """Point both Django's setting and the already configured Celery app at another broker."""

    def use(url: str) -> None:
        settings.CELERY_BROKER_URL = url
        monkeypatch.setitem(celery_app.conf, "broker_url", url)

    return use


@pytest.mark.django_db
def test_readyz_reports_an_unreachable_broker_as_down(client, broker_url):
    broker_url("redis://127.0.0.1:1/0")  # port 1: nothing listens there

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "down"


@pytest.mark.redis
@pytest.mark.django_db
def test_readyz_reports_a_real_redis_broker_as_ok(client, broker_url):
    broker_url(django_settings.REDIS_URL)

    response = client.get("/readyz")

    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "ok",
        "channel_layer": "ok",
        "broker": "ok",
    }
