from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    # available_timezones() reads the tz database once per call; it is small and cached by the OS.
    if value not in _timezones():
        raise ValidationError(
            _("“%(value)s” is not a known IANA time zone, such as Europe/Madrid."),
            code="invalid_timezone",
            params={"value": value},
        )


_TIMEZONES: frozenset[str] | None = None


def _timezones() -> frozenset[str]:
    global _TIMEZONES
    if _TIMEZONES is None:
        _TIMEZONES = frozenset(available_timezones())
    return _TIMEZONES
