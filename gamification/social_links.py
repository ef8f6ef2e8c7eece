"""What gamification tells the social layer, and hears from it (social sits below gamification,
so gamification registers these from its `AppConfig.ready()`; social never imports it).

- An achievement tier unlocked becomes an item of the learner's followers' feeds, written in the
  unlocking transaction so that both commit together.
- A public profile shows each achievement at the highest tier the learner reached.
- A new follow updates the followee's follower count, which the followers achievements measure.
"""

from collections import defaultdict
from typing import Any

from django.db import transaction

from gamification.models import UnlockedTier
from gamification.rewards import rewards_collect
from gamification.services import followers_record
from social.models import FeedEventKind, Follow
from social.services import feed_event_record


def feed_achievement_unlocked(*, user, achievement, tier, unlocked) -> None:
    feed_event_record(
        actor=user,
        kind=FeedEventKind.ACHIEVEMENT_UNLOCKED,
        data={
            "achievement": {"slug": achievement.slug, "name": achievement.name},
            "tier": tier.level,
        },
        at=unlocked.unlocked_at,
    )


def profile_achievements(*, users) -> dict[int, dict[str, Any]]:
    """Each user's achievements at their highest tier, in one query whatever the number of users."""
    best: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    rows = (
        UnlockedTier.objects.filter(user__in=[user.pk for user in users])
        .select_related("tier__achievement")
        .order_by("tier__achievement__position", "tier__achievement_id", "tier__level")
    )
    for row in rows:
        achievement = row.tier.achievement
        # Ordered by level: a later row of the same achievement is a higher tier.
        best[row.user_id][achievement.slug] = {
            "slug": achievement.slug,
            "name": achievement.name,
            "tier": row.tier.level,
        }
    return {user_id: {"achievements": list(found.values())} for user_id, found in best.items()}


def followers_count_update(*, follower, followee) -> None:
    """After a follow commits: the followee's follower count, and what it unlocks."""
    with transaction.atomic():
        followers_record(user=followee, count=Follow.objects.filter(followee=followee).count())
        rewards_collect(user=followee)
