"""Time helpers every app shares: instants are aware, and a learner's day is the calendar day in
`user.timezone`, turned into a UTC range once so queries compare stored UTC datetimes with it."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.utils import timezone


def aware(at: datetime | None = None) -> datetime:
    """`at`, or now when it is None. A naive datetime is a bug at the caller: refused."""
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValueError("A time-zone-aware datetime is required.")
    return at


def iso(value: date | datetime | None) -> str | None:
    """A date or datetime as JSON has it (the account export), None kept as None."""
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class LocalDay:
    date: date
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive


def local_midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def local_day(*, user, at: datetime | None = None) -> LocalDay:
    """The learner's calendar day at the instant `at` (now when None)."""
    zone = user.zone
    day = aware(at).astimezone(zone).date()
    return LocalDay(
        date=day,
        start=local_midnight(day, zone),
        end=local_midnight(day + timedelta(days=1), zone),
    )
