"""Reads of social: who may see whom, search, profiles, follow lists and the feed.

The privacy rules (API.md, "Economy and social") live here, in one place:
- a learner who blocked another is invisible to them: not found by search, profile 404, cannot
  be followed;
- a private profile (`profile_public` off) is seen only by its owner and its followers.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, F, Lookup, OuterRef, Q, QuerySet

from config.api.errors import NotFound
from config.timeutils import iso
from social.error_codes import SocialErrorCode
from social.models import Block, FeedEvent, Follow
from social.registry import profile_fields

User = get_user_model()

SEARCH_MIN_LENGTH = 3


def _not_found() -> NotFound:
    # The same answer whether the user does not exist, blocked the caller or is private: none
    # of them may be told apart.
    return NotFound("No such learner.")


def is_blocked_by(*, viewer, user) -> bool:
    return Block.objects.filter(blocker=user, blocked=viewer).exists()


def is_following(*, follower, followee) -> bool:
    return Follow.objects.filter(follower=follower, followee=followee).exists()


def user_get_by_username(*, username: str):
    """The active user of that username (any case), or 404."""
    user = User.objects.filter(username__iexact=username.strip(), is_active=True).first()
    if user is None:
        raise _not_found()
    return user


def user_visible_get(*, viewer, username: str):
    """The user `viewer` may see under that username, or 404 (blocked, private, unknown)."""
    user = user_get_by_username(username=username)
    if user.pk == viewer.pk:
        return user
    if is_blocked_by(viewer=viewer, user=user):
        raise _not_found()
    if not user.profile_public and not is_following(follower=viewer, followee=user):
        raise _not_found()
    return user


def _with_relations(queryset: QuerySet, *, viewer) -> QuerySet:
    """Annotates `following` (the viewer follows them) and `follows_you`, in the same query."""
    return queryset.annotate(
        viewer_follows=Exists(Follow.objects.filter(follower=viewer, followee=OuterRef("pk"))),
        follows_viewer=Exists(Follow.objects.filter(follower=OuterRef("pk"), followee=viewer)),
    )


def users_search(*, viewer, prefix: str) -> QuerySet:
    """Public profiles whose username starts with `prefix`, that have not blocked the viewer
    (nor been blocked by them), in username order."""
    from config.api.errors import ApplicationError

    prefix = prefix.strip().lower()
    if len(prefix) < SEARCH_MIN_LENGTH:
        raise ApplicationError(
            f"Search with at least {SEARCH_MIN_LENGTH} characters.",
            code=SocialErrorCode.SEARCH_TOO_SHORT,
            fields={"search": [f"At least {SEARCH_MIN_LENGTH} characters."]},
        )
    queryset = (
        User.objects.filter(username__startswith=prefix, is_active=True, profile_public=True)
        .exclude(Exists(Block.objects.filter(blocker=OuterRef("pk"), blocked=viewer)))
        .exclude(Exists(Block.objects.filter(blocker=viewer, blocked=OuterRef("pk"))))
        .order_by("username", "pk")
    )
    return _with_relations(queryset, viewer=viewer)


def following_list(*, user) -> QuerySet:
    """The users `user` follows, most recent first."""
    return _with_relations(
        User.objects.filter(follower_set__follower=user).order_by(
            "-follower_set__created_at", "-pk"
        ),
        viewer=user,
    )


def followers_list(*, user) -> QuerySet:
    """The users who follow `user`, most recent first."""
    return _with_relations(
        User.objects.filter(following_set__followee=user).order_by(
            "-following_set__created_at", "-pk"
        ),
        viewer=user,
    )


def follower_count(*, user) -> int:
    return Follow.objects.filter(followee=user).count()


def profiles_render(*, viewer, users) -> list[dict[str, Any]]:
    """Public profiles of `users` (annotated by `_with_relations` or not), in a bounded number
    of queries however many: one per registered provider, plus one for the relations when the
    users come without them."""
    users = list(users)
    missing = [user.pk for user in users if not hasattr(user, "viewer_follows")]
    if missing:
        annotated = {
            row.pk: row
            for row in _with_relations(User.objects.filter(pk__in=missing), viewer=viewer).only(
                "pk"
            )
        }
        for user in users:
            if user.pk in annotated:
                user.viewer_follows = annotated[user.pk].viewer_follows
                user.follows_viewer = annotated[user.pk].follows_viewer
    fields = profile_fields(users=users)
    return [
        {
            "username": user.username,
            "display_name": user.display_name,
            **fields[user.pk],
            "following": bool(user.viewer_follows),
            "follows_you": bool(user.follows_viewer),
        }
        for user in users
    ]


def profile_get(*, viewer, username: str) -> dict[str, Any]:
    user = user_visible_get(viewer=viewer, username=username)
    return profiles_render(viewer=viewer, users=[user])[0]


class _InArray(Lookup):
    """`lhs = ANY(%s)` with the values as one array parameter: a learner following thousands
    costs one bound value, not thousands of placeholders to build, bind and parse (measured:
    most of the difference between following 10 and 1,000 was there). PostgreSQL only."""

    lookup_name = "in_array"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, list(self.rhs))


def _actor_in(ids: list[int]):
    if connection.vendor == "postgresql":
        return _InArray(F("actor_id"), ids)
    return Q(actor_id__in=ids)


def feed_actor_ids(*, user) -> list[int]:
    """The learner and whom they follow: one index-only read of the follows' unique index."""
    return [user.pk, *Follow.objects.filter(follower=user).values_list("followee_id", flat=True)]


def feed_get(*, user) -> QuerySet:
    """The feed of `user`: their own events and those of whom they follow, newest first.

    Two queries whatever the number followed: the ids, then `actor_id IN (ids) ORDER BY
    created_at DESC, id DESC LIMIT n`. With the ids as values rather than a subquery the planner
    sees how many there are: few, and it reads each one's newest events from the per-actor index
    and sorts a few rows; many, and it walks the time index newest first, keeping rows whose
    actor is in the list (PostgreSQL hashes a long IN list), and stops at a page. README, "The
    feed at scale", has the measures. The actor comes in the same query, and an item's `data`
    holds all it shows.
    """
    return (
        FeedEvent.objects.filter(_actor_in(feed_actor_ids(user=user)))
        .select_related("actor")
        .only("id", "kind", "data", "created_at", "actor__username", "actor__display_name")
        .order_by("-created_at", "-id")
    )


# --- Export ------------------------------------------------------------------------------------


def social_export(*, user) -> dict[str, Any]:
    """What social holds about the learner, as plain JSON values (for `me/export/`). Every row
    has a foreign key to the user and goes with the account."""
    return {
        "following": [
            {"username": username, "since": iso(created_at)}
            for username, created_at in Follow.objects.filter(follower=user)
            .order_by("created_at", "id")
            .values_list("followee__username", "created_at")
        ],
        "followers": [
            {"username": username, "since": iso(created_at)}
            for username, created_at in Follow.objects.filter(followee=user)
            .order_by("created_at", "id")
            .values_list("follower__username", "created_at")
        ],
        "blocked": [
            {"username": username, "since": iso(created_at)}
            for username, created_at in Block.objects.filter(blocker=user)
            .order_by("created_at", "id")
            .values_list("blocked__username", "created_at")
        ],
        "feed_events": [
            {"kind": kind, "data": data, "created_at": iso(created_at)}
            for kind, data, created_at in FeedEvent.objects.filter(actor=user)
            .order_by("created_at", "id")
            .values_list("kind", "data", "created_at")
        ],
    }
