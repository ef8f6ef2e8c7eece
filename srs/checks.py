"""System checks for the review settings read from the environment."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def rating_thresholds_check(app_configs=None, **kwargs) -> list[Error]:
    easy, slow = settings.SRS_EASY_MS, settings.SRS_SLOW_MS
    if 0 <= easy < slow:
        return []
    # Otherwise a fast answer could rate both Easy and Hard, and which wins would be an accident.
    return [
        Error(
            f"SRS_EASY_MS ({easy}) must be at least 0 and below SRS_SLOW_MS ({slow}).",
            id="srs.E001",
        )
    ]


@register()
def review_xp_cap_check(app_configs=None, **kwargs) -> list[Error]:
    cap = settings.SRS_REVIEW_XP_DAILY_CAP
    if isinstance(cap, int) and cap >= 0:
        return []
    return [
        Error(
            f"SRS_REVIEW_XP_DAILY_CAP ({cap!r}) must be a whole number of XP from 0.",
            id="srs.E002",
        )
    ]
