"""Where higher apps add to a public profile and hear about follows, without social importing them.

gamification registers, in its `AppConfig.ready()`::

    from social.registry import profile_provider_register

    profile_provider_register("stats", profile_stats)

A provider takes `users` (a list of users) and returns `{user_id: {field: value}}` for the fields
it owns (`streak`, `total_xp`, `league`, `achievements`); it must cost a bounded number of
queries however many users it is given, so lists of profiles stay cheap. A user left out of the
answer keeps the defaults of `PROFILE_DEFAULTS`.

A follow listener (`follow_listener_register`) is called with `follower` and `followee` after a
new follow commits (for instance to count followers toward an achievement).
"""

from collections.abc import Callable, Iterable
from typing import Any

ProfileProvider = Callable[..., dict[int, dict[str, Any]]]
FollowListener = Callable[..., None]

# What a profile shows before (or without) the app that knows it.
PROFILE_DEFAULTS: dict[str, Any] = {"streak": 0, "total_xp": 0, "league": None, "achievements": []}

_providers: dict[str, ProfileProvider] = {}
_follow_listeners: dict[str, FollowListener] = {}


def profile_provider_register(name: str, provider: ProfileProvider) -> ProfileProvider:
    if _providers.get(name, provider) is not provider:
        raise ValueError(f"Another profile provider is already registered as {name!r}.")
    _providers[name] = provider
    return provider


def profile_provider_unregister(name: str) -> None:
    _providers.pop(name, None)


def profile_fields(*, users: Iterable) -> dict[int, dict[str, Any]]:
    """Every registered provider's fields for each user, over `PROFILE_DEFAULTS`."""
    users = list(users)
    fields: dict[int, dict[str, Any]] = {
        user.pk: {
            key: (list(value) if isinstance(value, list) else value)
            for key, value in PROFILE_DEFAULTS.items()
        }
        for user in users
    }
    if not users:
        return fields
    for _name, provider in sorted(_providers.items()):
        for user_id, values in provider(users=users).items():
            if user_id in fields:
                fields[user_id].update(values)
    return fields


def follow_listener_register(name: str, listener: FollowListener) -> FollowListener:
    if _follow_listeners.get(name, listener) is not listener:
        raise ValueError(f"Another follow listener is already registered as {name!r}.")
    _follow_listeners[name] = listener
    return listener


def follow_listener_unregister(name: str) -> None:
    _follow_listeners.pop(name, None)


def follow_listeners() -> list[FollowListener]:
    return [listener for _name, listener in sorted(_follow_listeners.items())]
