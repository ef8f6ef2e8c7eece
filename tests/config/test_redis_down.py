"""With Redis unreachable, learners still sign in, take lessons and review.

The production configuration (config.redis_settings, what settings use whenever REDIS_URL is set)
is pointed at a port where nothing listens, so this needs no Redis and runs everywhere, CI
included. Throttle counts and cached revocations are lost for the outage (they fail open); the
database holds everything a learner's progress needs.
"""

import logging
import time

import pytest
import redis
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from config import celery_app, redis_settings
from srs.models import ReviewLog
from tests.progress.factories import EnrollmentFactory, build_path, right_answer
from tests.srs.conftest import right_answer as review_answer
from tests.srs.factories import ReviewCardFactory

# Nothing listens on this port: every connection is refused.
DOWN = "redis://127.0.0.1:6390/0"


@pytest.fixture
def redis_down(settings, monkeypatch):
    settings.CACHES = {"default": redis_settings.cache_config(DOWN)}
    settings.CHANNEL_LAYERS = {"default": redis_settings.channel_layer_config(DOWN)}
    settings.CELERY_BROKER_URL = DOWN
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = redis_settings.broker_transport_options()
    monkeypatch.setitem(celery_app.conf, "broker_url", DOWN)
    monkeypatch.setitem(
        celery_app.conf, "broker_transport_options", redis_settings.broker_transport_options()
    )


class Learner:
    """Every call must answer below 500; the body is returned for the flow's own checks."""

    def __init__(self):
        self.client = APIClient()

    def call(self, method: str, url: str, body: dict | None = None, expect: int = 200) -> dict:
        response = getattr(self.client, method)(url, body, format="json")
        assert response.status_code < 500, (url, response.status_code, response.content[:500])
        assert response.status_code == expect, (url, response.json())
        return response.json()


@pytest.mark.django_db
def test_the_learner_flow_works_with_redis_down(redis_down, user, password, caplog):
    assert cache.get("anything", "fallback") == "fallback"  # really down, and failing open
    course, (lesson, _next) = build_path(((2,),), exercises=3)
    EnrollmentFactory(user=user, course=course)
    card = ReviewCardFactory(user=user)
    learner = Learner()

    tokens = learner.call(
        "post", "/api/v1/auth/token/", {"email": user.email, "password": password}
    )
    learner.client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")

    session = learner.call("post", f"/api/v1/lessons/{lesson.id}/sessions/", expect=201)
    for item in session["exercises"]:
        exercise = lesson.exercises.get(id=item["id"])
        body = {"exercise": exercise.id, "answer": right_answer(exercise)}
        verdict = learner.call("post", f"/api/v1/sessions/{session['id']}/answers/", body)
        assert verdict["correct"] is True
    result = learner.call("post", f"/api/v1/sessions/{session['id']}/complete/")
    assert (result["passed"], result["score"]) == (True, 100)
    assert result["xp_earned"] == lesson.xp_reward

    due = learner.call("get", "/api/v1/reviews/due/")
    assert card.id in {row["card"] for row in due["results"]}
    answered = learner.call(
        "post", f"/api/v1/reviews/{card.id}/answer/", {"answer": review_answer(card)}
    )
    assert answered["correct"] is True
    assert ReviewLog.objects.filter(card=card).count() == 1

    refreshed = learner.call("post", "/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]})
    assert refreshed["access"]
    # The outage is logged as one-line warnings, never a traceback per cache call.
    assert not [record for record in caplog.records if record.exc_info]
    assert all(record.levelno < logging.ERROR for record in caplog.records)


@pytest.mark.django_db
def test_readyz_names_cache_channel_layer_and_broker_promptly(redis_down, client):
    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "down",
        "channel_layer": "down",
        "broker": "down",
    }
    assert elapsed < 3, f"/readyz took {elapsed:.1f}s with Redis down"


@pytest.mark.django_db
def test_throttles_fail_open_while_redis_is_down(redis_down, api_client, monkeypatch):
    # Counts cannot be kept without Redis: refusing everyone would turn an outage into one.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"register": "1/hour"})
    body = {"password": "a-long-and-unusual-passphrase", "display_name": "Ana"}

    for n in range(3):
        response = api_client.post(
            "/api/v1/auth/register/", {**body, "email": f"ana{n}@example.com"}, format="json"
        )
        assert response.status_code == 201, response.json()


def test_after_a_failed_connect_the_cache_does_not_retry_for_a_few_seconds(redis_down, monkeypatch):
    # Against a server that drops packets, every attempt would wait the connect timeout out.
    monkeypatch.setattr(redis_settings._FailFast, "_down_until", {})
    clock = [1000.0]
    monkeypatch.setattr("config.redis_settings.time.monotonic", lambda: clock[0])
    attempts = []
    real_connect = redis.Connection._connect
    monkeypatch.setattr(
        redis.Connection, "_connect", lambda self: attempts.append(1) or real_connect(self)
    )

    assert cache.get("key", "miss") == "miss"
    assert cache.get("key", "miss") == "miss"
    assert len(attempts) == 1
    clock[0] += redis_settings.RETRY_AFTER_SECONDS + 1
    assert cache.get("key", "miss") == "miss"
    assert len(attempts) == 2
