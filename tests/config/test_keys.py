"""Signing keys: a short, monotonous, development or published key never signs anything real.

As in test_deploy, each case runs manage.py in a fresh process: settings are read once per process.
"""

import re
import secrets

import jwt
import pytest
from django.conf import settings
from django.core.checks import run_checks

from config.keys import ENV_EXAMPLE_PLACEHOLDER
from tests.config.test_deploy import _manage

WEAK_KEYS = {
    "short": secrets.token_urlsafe(30)[:40],
    "low_entropy": "abcd" * 20,
    "django_development": "django-insecure-" + secrets.token_urlsafe(50),
    "env_example_placeholder": ENV_EXAMPLE_PLACEHOLDER,
}


def _strong() -> str:
    return secrets.token_urlsafe(50)


def test_the_placeholder_is_the_one_env_example_publishes():
    text = (settings.BASE_DIR / ".env.example").read_text()

    assert re.search(r"^SECRET_KEY=(.*)$", text, re.M).group(1) == ENV_EXAMPLE_PLACEHOLDER


@pytest.mark.parametrize("kind", WEAK_KEYS)
def test_startup_with_debug_off_refuses_a_weak_secret_key(tmp_path, kind):
    result = _manage(tmp_path, "check", DEBUG="false", SECRET_KEY=WEAK_KEYS[kind])

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY " in result.stderr


@pytest.mark.parametrize("kind", WEAK_KEYS)
def test_startup_with_debug_off_refuses_a_weak_jwt_signing_key(tmp_path, kind):
    result = _manage(
        tmp_path, "check", DEBUG="false", SECRET_KEY=_strong(), JWT_SIGNING_KEY=WEAK_KEYS[kind]
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: JWT_SIGNING_KEY " in result.stderr


@pytest.mark.parametrize("kind", WEAK_KEYS)
def test_check_deploy_reports_a_weak_secret_key(settings, kind):
    settings.SECRET_KEY = WEAK_KEYS[kind]

    ids = {message.id for message in run_checks(include_deployment_checks=True)}

    assert "config.E001" in ids


def test_check_deploy_reports_a_weak_jwt_signing_key(settings):
    settings.SECRET_KEY = _strong()
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "SIGNING_KEY": ENV_EXAMPLE_PLACEHOLDER}

    ids = {message.id for message in run_checks(include_deployment_checks=True)}

    assert "config.E002" in ids
    assert "config.E001" not in ids


def test_strong_keys_pass_the_deploy_checks(settings):
    settings.SECRET_KEY = _strong()
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "SIGNING_KEY": _strong()}

    ids = {message.id for message in run_checks(include_deployment_checks=True)}

    assert not ids & {"config.E001", "config.E002"}


def test_jwts_are_signed_with_their_own_key_when_one_is_set(tmp_path):
    secret_key, jwt_key = _strong(), _strong()
    result = _manage(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        "from rest_framework_simplejwt.tokens import AccessToken; print(AccessToken())",
        DEBUG="false",
        SECRET_KEY=secret_key,
        JWT_SIGNING_KEY=jwt_key,
    )

    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert jwt.decode(token, jwt_key, algorithms=["HS256"])["token_type"] == "access"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, secret_key, algorithms=["HS256"])


def test_jwts_are_signed_with_the_secret_key_by_default(tmp_path):
    secret_key = _strong()
    result = _manage(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        "from rest_framework_simplejwt.tokens import AccessToken; print(AccessToken())",
        DEBUG="false",
        SECRET_KEY=secret_key,
    )

    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert jwt.decode(token, secret_key, algorithms=["HS256"])["token_type"] == "access"
