"""Writes of social: follows, blocks and feed events, each in one transaction.

Following and blocking lock both users' rows (in id order, so two requests never wait on each
other in a circle): a follow racing a block of the same pair cannot slip in after the block
removed the follows.
"""

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q

from config.api.errors import ApplicationError, Conflict
from config.timeutils import aware
from social.error_codes import SocialErrorCode
from social.models import Block, FeedEvent, FeedEventKind, Follow
from social.registry import follow_listeners
from social.selectors import user_get_by_username, user_visible_get

User = get_user_model()

# Streak lengths (days) that make a feed item.
STREAK_MILESTONES = frozenset({7, 30, 100, 365})


def _pair_lock(first, second) -> None:
    list(User.objects.select_for_update().filter(pk__in=[first.pk, second.pk]).order_by("pk"))


def follow_create(*, follower, username: str) -> tuple[Follow, bool]:
    """`follower` follows the learner of `username`; following again changes nothing (created
    False). 404 when they may not see them, 400 for oneself, 409 when `follower` blocked them."""
    followee = user_visible_get(viewer=follower, username=username)
    if followee.pk == follower.pk:
        raise ApplicationError(
            "You cannot follow yourself.", code=SocialErrorCode.CANNOT_FOLLOW_SELF
        )
    with transaction.atomic():
        _pair_lock(follower, followee)
        # Again under the locks: a block committed since the first look wins.
        followee = user_visible_get(viewer=follower, username=username)
        if Block.objects.filter(blocker=follower, blocked=followee).exists():
            raise Conflict(
                "You blocked this learner; unblock them to follow.",
                code=SocialErrorCode.USER_BLOCKED,
            )
        try:
            with transaction.atomic():
                follow, created = Follow.objects.get_or_create(follower=follower, followee=followee)
        except IntegrityError:  # pragma: no cover - the pair lock serialises the same pair
            return Follow.objects.get(follower=follower, followee=followee), False
        if created:
            for listener in follow_listeners():
                transaction.on_commit(
                    lambda listener=listener: listener(follower=follower, followee=followee)
                )
    return follow, created


def follow_delete(*, follower, username: str) -> None:
    """Stops following; not following already is fine. 404 only for a learner unknown to the
    caller (or who blocked them)."""
    followee = user_get_by_username(username=username)
    if Block.objects.filter(blocker=followee, blocked=follower).exists():
        user_visible_get(viewer=follower, username=username)  # raises the usual 404
    Follow.objects.filter(follower=follower, followee=followee).delete()


def block_create(*, blocker, username: str) -> bool:
    """`blocker` blocks the learner of `username` and the follows between them go, both ways.
    Returns whether the block is new. A learner who blocked the caller is unknown to them (404)."""
    blocked = user_get_by_username(username=username)
    if blocked.pk == blocker.pk:
        raise ApplicationError("You cannot block yourself.", code=SocialErrorCode.CANNOT_BLOCK_SELF)
    if Block.objects.filter(blocker=blocked, blocked=blocker).exists():
        user_visible_get(viewer=blocker, username=username)  # raises the usual 404
    with transaction.atomic():
        _pair_lock(blocker, blocked)
        _, created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
        Follow.objects.filter(
            Q(follower=blocker, followee=blocked) | Q(follower=blocked, followee=blocker)
        ).delete()
    return created


def block_delete(*, blocker, username: str) -> None:
    blocked = user_get_by_username(username=username)
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()


def feed_event_record(
    *, actor, kind: str, data: dict[str, Any], at: datetime | None = None
) -> FeedEvent:
    """Adds an item to `actor`'s followers' feeds (and their own). `data` is what the item shows,
    as plain JSON values of the moment: the feed renders it without reading other apps."""
    if kind not in FeedEventKind.values:
        raise ValueError(f"Unknown feed event kind {kind!r}.")
    return FeedEvent.objects.create(actor=actor, kind=kind, data=data, created_at=aware(at))


def streak_milestone_record(*, user, days: int, at: datetime | None = None) -> FeedEvent | None:
    """A feed item when a streak reaches one of `STREAK_MILESTONES` days."""
    if days not in STREAK_MILESTONES:
        return None
    return feed_event_record(
        actor=user, kind=FeedEventKind.STREAK_MILESTONE, data={"days": days}, at=at
    )
