"""Who follows whom, who blocked whom, and what learners did that their followers see.

Every row hangs off users and cascades with them, so deleting an account takes its follows,
blocks and feed events along.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _


class Follow(models.Model):
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following_set"
    )
    followee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower_set"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="social_follow_once"),
            models.CheckConstraint(
                condition=~Q(follower=F("followee")), name="social_follow_not_self"
            ),
        ]
        # The unique constraint's index serves "whom does X follow" (the feed's subquery); this
        # one serves "who follows X" (followers lists, counts).
        indexes = [models.Index(fields=["followee", "follower"], name="social_follow_followee")]

    def __str__(self) -> str:
        return f"{self.follower_id} -> {self.followee_id}"


class Block(models.Model):
    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocking_set"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocked_by_set"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="social_block_once"),
            models.CheckConstraint(
                condition=~Q(blocker=F("blocked")), name="social_block_not_self"
            ),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="social_block_blocked")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class FeedEventKind(models.TextChoices):
    LESSON_COMPLETED = "lesson_completed", _("Lesson completed")
    STREAK_MILESTONE = "streak_milestone", _("Streak milestone")
    ACHIEVEMENT_UNLOCKED = "achievement_unlocked", _("Achievement unlocked")
    COURSE_STARTED = "course_started", _("Course started")
    LEAGUE_PROMOTED = "league_promoted", _("Promoted to a league")


class FeedEvent(models.Model):
    """Something a learner did, as their followers' feeds show it. `data` holds what the item
    shows (titles, numbers) as of the event, so rendering a page joins nothing but the actor."""

    # No index of its own: the (actor, created_at, id) one below serves lookups by actor too.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="feed_events",
        db_index=False,
    )
    kind = models.CharField(max_length=32, choices=FeedEventKind.choices)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("feed event")
        verbose_name_plural = _("feed events")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The feed reads the newest events of a set of actors: per actor, newest first.
            models.Index(fields=["actor", "-created_at", "-id"], name="social_feed_actor_time"),
            # When the set is large, walking all events newest first and keeping the followed
            # actors' ones finds a page sooner; the planner picks whichever is cheaper.
            models.Index(fields=["-created_at", "-id"], name="social_feed_time"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"
