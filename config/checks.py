"""System checks of the project's own settings."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from config.keys import HOW_TO_MAKE_ONE, signing_key_problem


@register(Tags.security, deploy=True)
def check_signing_keys(app_configs, **kwargs):
    keys = {
        "SECRET_KEY": ("config.E001", settings.SECRET_KEY),
        "JWT_SIGNING_KEY": (
            "config.E002",
            settings.SIMPLE_JWT.get("SIGNING_KEY", settings.SECRET_KEY),
        ),
    }
    errors = []
    for name, (check_id, value) in keys.items():
        problem = signing_key_problem(value)
        if problem:
            errors.append(
                Error(f"{name} {problem}.", hint=f"Make one with: {HOW_TO_MAKE_ONE}", id=check_id)
            )
    return errors
