"""Test settings: production's settings (DEBUG off) on the environment's services, with what
makes tests fast and deterministic, each said here rather than left to the machine's environment.
"""

import os
import secrets

# config.settings reads these while it loads. DEBUG is off, as in production, whatever the shell
# or .env says. With DEBUG off a missing or weak signing key stops the start (config/keys.py),
# so each test run signs with a strong key of its own, and JWTs with that same key.
os.environ["DEBUG"] = "false"
os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
os.environ["JWT_SIGNING_KEY"] = ""

from config.settings import *  # noqa: F403

DEBUG = False

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
# The test client speaks plain HTTP: no redirect to HTTPS, no HSTS.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# JSON only (production's renderer), whatever DEBUG in the shell would add.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_RENDERER_CLASSES": ["config.api.renderers.JSONRenderer"],
}
# Tests never run collectstatic: WhiteNoise looks files up per request instead of warning at
# every test client's start that STATIC_ROOT does not exist.
WHITENOISE_AUTOREFRESH = True
# ...and serves static files from the apps' static folders (finders), as runserver would, so a
# live server in a browser test gets the web client's scripts.
WHITENOISE_USE_FINDERS = True
