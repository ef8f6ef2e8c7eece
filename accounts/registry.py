"""Where higher apps plug into the account's export and deletion, without accounts importing them.

An app registers, in its `AppConfig.ready()`::

    from accounts.registry import deletion_hook_register, exporter_register

    exporter_register("gamification", gamification_export)
    deletion_hook_register("classrooms", classrooms_forget_user)

Both kinds of function are called with one keyword argument, `user` (so `def f(user)` and
`def f(*, user)` both fit). An exporter returns plain JSON values; `GET me/export/` puts them under
its name. A deletion hook runs inside the deletion's transaction just before the user row is
deleted: it removes what does not cascade from the user (files go after commit, through
`transaction.on_commit`). Rows with a foreign key to the user need no hook: they cascade.
"""

from collections.abc import Callable
from typing import Any

Exporter = Callable[..., dict[str, Any] | list[Any] | None]
DeletionHook = Callable[..., None]

# Top-level keys of the export that accounts writes itself.
RESERVED_EXPORT_NAMES = frozenset(
    {"exported_at", "account", "email_addresses", "social_accounts", "sessions"}
)

_exporters: dict[str, Exporter] = {}
_deletion_hooks: dict[str, DeletionHook] = {}


def exporter_register(name: str, exporter: Exporter) -> Exporter:
    if name in RESERVED_EXPORT_NAMES:
        raise ValueError(f"The export section {name!r} belongs to accounts.")
    if _exporters.get(name, exporter) is not exporter:
        raise ValueError(f"Another exporter is already registered as {name!r}.")
    _exporters[name] = exporter
    return exporter


def exporter_unregister(name: str) -> None:
    _exporters.pop(name, None)


def exporters() -> dict[str, Exporter]:
    return dict(sorted(_exporters.items()))


def deletion_hook_register(name: str, hook: DeletionHook) -> DeletionHook:
    if _deletion_hooks.get(name, hook) is not hook:
        raise ValueError(f"Another deletion hook is already registered as {name!r}.")
    _deletion_hooks[name] = hook
    return hook


def deletion_hook_unregister(name: str) -> None:
    _deletion_hooks.pop(name, None)


def deletion_hooks() -> dict[str, DeletionHook]:
    return dict(sorted(_deletion_hooks.items()))
