"""Transactions whose commit does not wait for the disk: PostgreSQL's asynchronous commit.

A commit normally returns once its WAL is flushed to disk. Under `synchronous_commit = off`, set
for one transaction, it returns as soon as the transaction is committed in memory, and the WAL
writer flushes it a moment later (within three times `wal_writer_delay`, 600 ms by default).
PostgreSQL's manual ("Asynchronous Commit") says what that risks: should the database server
crash in that window, the transaction is lost whole, as if it had rolled back; it is never
half-applied, and the database is never corrupted. The WAL is written in order, so any later
commit that waits for the disk (every ordinary transaction that writes) flushes every earlier
asynchronous one with it. The window is nominal: a disk that stalls holds the WAL writer back,
and a restart of PostgreSQL after it failed is a crash too.

So it suits only a write that a learner can simply make again and that nothing durable depends on
until an ordinary commit comes after it. An answer within an unfinished lesson session is one:
the session's completion, which awards XP, gems and the streak, commits as usual and carries
every earlier answer to disk with it. Gems, purchases, XP and anything a learner paid for never
use it.

On an answer the wait for the flush was the largest single cost left (README, "Benchmarks"):
while a thread waits for the disk, the interpreter passes to another request and back. The
setting is a column of the transaction's first statement rather than a statement of its own: a
`SET LOCAL` round trip cost about half of what not waiting saved.
"""

from django.db import DEFAULT_DB_ALIAS, connections

# set_config(..., is_local => true) is SET LOCAL: for the rest of the current transaction only.
_ASYNCHRONOUS_COMMIT = "set_config('synchronous_commit', 'off', true)"


def asynchronous_commit_column() -> str | None:
    """A column to add to the first statement of a transaction the caller opens, which makes the
    transaction commit asynchronously; None where there is no such setting (SQLite).

    Only for a transaction the caller opens itself (`transaction_opened_here`): the setting
    belongs to the whole transaction, and inside another one it would reach writes that must be
    durable."""
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return None
    return _ASYNCHRONOUS_COMMIT


def transaction_opened_here() -> bool:
    """Whether a `transaction.atomic()` entered now opens a transaction rather than a savepoint
    within someone else's."""
    connection = connections[DEFAULT_DB_ALIAS]
    # Autocommit turned off by hand is a transaction atomic() would join, not open.
    return not connection.in_atomic_block and connection.get_autocommit()
