"""The tests run on production's settings: DEBUG off and a signing key that would pass a deploy."""

from django.conf import settings

from config import keys, settings_test


def test_tests_run_with_debug_off():
    # pytest-django turns DEBUG off while tests run whatever the module says: read the module.
    assert settings_test.DEBUG is False
    assert (settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE) == (True, True)


def test_tests_sign_with_a_key_a_deployment_would_accept():
    assert keys.signing_key_problem(settings.SECRET_KEY) is None
    assert settings.SIMPLE_JWT["SIGNING_KEY"] == settings.SECRET_KEY


def test_tests_speak_plain_http():
    assert (settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS) == (False, 0)
