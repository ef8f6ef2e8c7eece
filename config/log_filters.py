"""Logging filters shared by the settings' LOGGING."""

import logging
import threading
import time


class OncePerInterval(logging.Filter):
    """Lets one record per logger and message through every `seconds`, as a one-line warning.

    When a backing service is down, every call that needs it fails the same way: one line a
    minute says so (with the error, and how many more were held back), where a traceback per
    call would bury everything else. `message` replaces the record's own, when that says little.
    """

    def __init__(self, seconds: float = 60, message: str | None = None):
        super().__init__()
        self.seconds = seconds
        self.message = message
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], tuple[float, int]] = {}

    def reset(self) -> None:
        """Forgets what was seen: the next record of every kind goes through (tests use it)."""
        with self._lock:
            self._seen.clear()

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))
        now = time.monotonic()
        with self._lock:
            last, held_back = self._seen.get(key, (None, 0))
            if last is not None and now - last < self.seconds:
                self._seen[key] = (last, held_back + 1)
                return False
            self._seen[key] = (now, 0)

        text = self.message or record.getMessage()
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            # django-redis wraps the Redis error in its own ConnectionInterrupted.
            cause = error.__cause__ or error
            text = f"{text} ({type(cause).__name__}: {cause})"
        if held_back:
            text = f"{text}; {held_back} more in the last {self.seconds:g}s not logged"
        record.msg, record.args = text, ()
        record.exc_info, record.exc_text = None, None
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
