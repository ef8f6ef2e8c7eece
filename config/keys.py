"""What a signing key (SECRET_KEY, JWT_SIGNING_KEY) must be before it signs anything real.

Settings refuse to start with DEBUG off on a key that fails, and `check --deploy` reports it.
The rules are Django's own (security.W009: long, varied, not its generated development key),
plus the placeholder of .env.example, which is long and varied but published.
"""

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)

# SECRET_KEY in .env.example (tests/config/test_keys.py keeps the two the same).
ENV_EXAMPLE_PLACEHOLDER = (
    "change-me-to-a-long-random-string-before-using-this-anywhere-but-localhost"
)
HOW_TO_MAKE_ONE = 'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'


def signing_key_problem(value: str) -> str | None:
    """Why `value` must not sign anything, or None when it may."""
    if value == ENV_EXAMPLE_PLACEHOLDER:
        return "is the placeholder published in .env.example"
    if value.startswith(SECRET_KEY_INSECURE_PREFIX):
        return f"starts with {SECRET_KEY_INSECURE_PREFIX!r}, the mark of a development key"
    if len(value) < SECRET_KEY_MIN_LENGTH:
        return f"is shorter than {SECRET_KEY_MIN_LENGTH} characters"
    if len(set(value)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return f"has fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different characters"
    return None
