"""This week's XP of every active learner as a Redis sorted set, for the percentile in O(log n).

PostgreSQL (`WeeklyXp`) is the record; the set is a copy that can be lost at any moment and is
rebuilt from it:
- each award, after its commit, writes the learner's new weekly total with `ZADD GT`: absolute
  and monotonic, so writes arriving out of order, twice, or during a rebuild never lower a score;
- a week's set counts as complete only while its marker key exists. A missing marker (first use,
  Redis restarted or flushed) makes the reader rebuild the set under a short Redis lock, or answer
  from PostgreSQL while another process rebuilds;
- a write that failed (Redis down) is remembered by the process, which drops the week's marker
  at its next successful contact; the hourly `league_week_close` job rebuilds the current week
  too, so writes lost by another process are caught up within the hour.

Without Redis (the embedded default's local cache) every answer comes from PostgreSQL. Outages
are logged as one warning a minute (the logger's OncePerInterval filter), never raised.
"""

import contextlib
import logging
import threading
from datetime import date, timedelta

import redis
from django.core.cache import caches

from gamification.leagues.models import WeeklyXp

logger = logging.getLogger(__name__)

KEY_PREFIX = "lingua:leagues:week"
# A week's set outlives its week by a little (the percentile is only asked for this week).
KEEP = timedelta(days=9)
REBUILD_LOCK_SECONDS = 60
REBUILD_BATCH = 5000

_missed_lock = threading.Lock()
_missed_weeks: set[date] = set()


def _key(week_start: date) -> str:
    return f"{KEY_PREFIX}:{week_start.isoformat()}:xp"


def _ready_key(week_start: date) -> str:
    return f"{KEY_PREFIX}:{week_start.isoformat()}:ready"


def _connection():
    """The default cache's Redis client, or None when the cache is not Redis."""
    cache = caches["default"]
    client = getattr(cache, "client", None)
    if client is None or not hasattr(client, "get_client"):
        return None
    return client.get_client(write=True)


def ranking_available() -> bool:
    """Whether there is a Redis to keep the ranking in (up or not)."""
    return _connection() is not None


def _forget_missed(conn) -> None:
    """Drops the markers of the weeks this process failed to write, so they are rebuilt."""
    with _missed_lock:
        weeks = list(_missed_weeks)
    if not weeks:
        return
    conn.delete(*(_ready_key(week) for week in weeks))
    with _missed_lock:
        _missed_weeks.difference_update(weeks)


def ranking_record(*, user_id: int, week_start: date, xp: int) -> bool:
    """Writes a learner's weekly total (after the award's commit). False when Redis failed."""
    conn = _connection()
    if conn is None:
        return False
    try:
        _forget_missed(conn)
        pipe = conn.pipeline(transaction=False)
        pipe.zadd(_key(week_start), {str(user_id): xp}, gt=True)
        pipe.expire(_key(week_start), KEEP)
        pipe.execute()
    except redis.RedisError:
        with _missed_lock:
            _missed_weeks.add(week_start)
        logger.warning("Weekly XP ranking not updated: Redis is unreachable.", exc_info=True)
        return False
    return True


def ranking_rebuild(*, week_start: date, conn=None) -> bool:
    """Copies the week's totals from PostgreSQL into the set and marks it complete. False when
    another process holds the rebuild lock, or Redis failed (or is not configured)."""
    conn = conn or _connection()
    if conn is None:
        return False
    try:
        lock = conn.lock(f"{KEY_PREFIX}:{week_start.isoformat()}:rebuild", REBUILD_LOCK_SECONDS)
        if not lock.acquire(blocking=False):
            return False
        try:
            key = _key(week_start)
            rows = (
                WeeklyXp.objects.filter(week_start=week_start, xp__gt=0)
                .values_list("user_id", "xp")
                .order_by()
                .iterator(chunk_size=REBUILD_BATCH)
            )
            batch: dict[str, int] = {}
            for user_id, xp in rows:
                batch[str(user_id)] = xp
                if len(batch) >= REBUILD_BATCH:
                    conn.zadd(key, batch, gt=True)
                    batch = {}
            pipe = conn.pipeline(transaction=False)
            if batch:
                pipe.zadd(key, batch, gt=True)
            pipe.expire(key, KEEP)
            pipe.set(_ready_key(week_start), "1", ex=KEEP)
            pipe.execute()
        finally:
            # Expired meanwhile: nothing left to release.
            with contextlib.suppress(redis.exceptions.LockError):
                lock.release()
    except redis.RedisError:
        logger.warning("Weekly XP ranking not rebuilt: Redis is unreachable.", exc_info=True)
        return False
    return True


def ranking_count_below(*, week_start: date, xp: int) -> tuple[int, int] | None:
    """(learners with less XP than `xp`, learners with any XP) this week, from Redis in
    O(log n); None when Redis cannot answer (down, not configured, or being rebuilt)."""
    conn = _connection()
    if conn is None:
        return None
    try:
        _forget_missed(conn)
        if not conn.exists(_ready_key(week_start)) and not ranking_rebuild(
            week_start=week_start, conn=conn
        ):
            return None
        pipe = conn.pipeline(transaction=False)
        pipe.zcount(_key(week_start), "-inf", f"({xp}")
        pipe.zcard(_key(week_start))
        below, total = pipe.execute()
    except redis.RedisError:
        logger.warning("Weekly XP ranking unavailable: Redis is unreachable.", exc_info=True)
        return None
    return below, total
