"""System checks for the game's settings: they come from the environment, and a zero refill
period would only show as a ZeroDivisionError on the first read of a learner's hearts."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def game_settings_check(app_configs=None, **kwargs) -> list[Error]:
    errors = []
    for name, minimum in (("HEARTS_MAX", 1), ("HEARTS_REFILL_MINUTES", 1)):
        value = getattr(settings, name)
        if not isinstance(value, int) or value < minimum:
            errors.append(
                Error(
                    f"{name} must be a whole number of at least {minimum}; it is {value!r}.",
                    id="gamification.E001",
                )
            )
    return errors
