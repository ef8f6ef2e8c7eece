"""Fixtures shared by every test, and the rule for tests that need a real service.

A test marked `postgres` or `redis` is skipped on a bare machine, but in CI (CI=true) a missing
service fails the run: CI must never pass by skipping what it exists to check.
"""

import logging
import os
import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from accounts.services import TokenPair, token_pair_issue
from config.log_filters import OncePerInterval
from tests.accounts.factories import UserFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing service is an error, not a skip)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _require_services(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _missing("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if request.node.get_closest_marker("redis") and not settings.REDIS_URL:
        _missing("needs Redis: set REDIS_URL=redis://...")
    if request.node.get_closest_marker("e2e") and not shutil.which(CHROMIUM):
        _missing(f"needs Debian's chromium ({CHROMIUM}): apt-get install chromium")


@pytest.fixture(scope="session", autouse=True)
def _no_stray_connections(django_db_setup, django_db_blocker):
    """Ends, before the test database is dropped, the connections that server threads (live
    servers, the live-push loop, the WSGI bridge) opened and still hold: PostgreSQL
    refuses to drop a database in use, and a leftover test database only warns."""
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _clean_cache():
    # Throttles and revocations live in the cache, which is shared Redis in CI.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_outage_logs():
    # The once-a-minute outage filters are process-wide: a warning logged by one test would
    # otherwise be held back in the next.
    for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        for log_filter in getattr(logger, "filters", ()):
            if isinstance(log_filter, OncePerInterval):
                log_filter.reset()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def password() -> str:
    return "correct-horse-battery-staple"


@pytest.fixture
def user(db, password):
    return UserFactory(password=password)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def auth_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def token_pair(user) -> TokenPair:
    """A real login of `user`: {"access", "refresh"}, as POST auth/token/ returns them."""
    return token_pair_issue(user=user)


@pytest.fixture
def jwt_client(token_pair) -> APIClient:
    """`user` signed in with a real bearer token (auth_client skips authentication instead)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_pair.access}")
    return client


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium driven by Playwright (never Playwright's own download).

    One per test module, not per session: while Playwright's sync API is open its event loop
    counts as running in the main thread, and every later test that calls async_to_sync (the
    channel layer, WebSocket tests) would fail with "cannot use AsyncToSync in the same thread
    as an async event loop". Closing it after each e2e module ends that."""
    if not shutil.which(CHROMIUM):
        _missing(f"needs Debian's chromium ({CHROMIUM}): apt-get install chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test's thread; Django, seeing it, would
    # refuse the test's own database calls, which are plain synchronous code all the same.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
