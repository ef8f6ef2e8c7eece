"""Racing calls against each other on PostgreSQL, for the concurrency tests of gamification."""

import threading
import time
from contextlib import contextmanager

from django.db import connection, transaction


def race(calls, *, hold_seconds: float, join_seconds: float = 120) -> list:
    """Runs each call in its own thread and transaction, started together; returns what each
    returned or raised, in the order of the calls. Each holds its transaction `hold_seconds`
    so that the others meet its locks."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            with transaction.atomic():
                results[index] = call()
                time.sleep(hold_seconds)
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=join_seconds)
    assert not any(thread.is_alive() for thread in threads)
    return results


@contextmanager
def held_open(call, *, seconds: float = 30):
    """Runs `call` in a transaction of another thread and keeps that transaction open (its locks
    held) while the block runs, or until the block sets the event it is given."""
    ran, release = threading.Event(), threading.Event()
    failed: list[BaseException] = []

    def worker():
        try:
            with transaction.atomic():
                call()
                ran.set()
                release.wait(timeout=seconds)
        except BaseException as error:
            failed.append(error)
            ran.set()
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert ran.wait(timeout=seconds)
        assert not failed, failed
        yield release
    finally:
        release.set()
        thread.join(timeout=seconds)
