"""Achievements and daily quests: what a learner unlocks, and the gems it pays.

Progress is measured against the counters gamification keeps (`LearnerStats`, `Streak`, the day's
`DailyXp` row), never against `progress` or `srs`. A learning step calls `rewards_collect` inside
its own transaction, after the counters moved; it unlocks what the counters now reach and returns
the rewards for the client to celebrate.

Paying once: an unlocked tier is a row unique on (user, tier), inserted under a savepoint, and a
quest is completed by a conditional UPDATE (`completed_at IS NULL`); only the request whose insert
or update went through pays, through `gems_grant`, which is itself idempotent on its source. Two
racing requests therefore unlock and pay once.

A reward, as JSON (`Reward`; in `rewards` of `sessions/{id}/complete/` and of
`reviews/{card}/answer/`): `{"kind": "achievement" | "quest" | "gems", "slug", "name", "tier",
"gems"}`; `tier` is the achievement tier's level (null for the other kinds), `gems` what it paid.
"""

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Q

from config.timeutils import aware, local_day
from gamification.models import (
    QUEST_DESCRIPTIONS,
    Achievement,
    AchievementMetric,
    AchievementTier,
    DailyQuest,
    DailyXp,
    LearnerStats,
    QuestKind,
    QuestTemplate,
    Streak,
    UnlockedTier,
)
from gamification.services import gems_grant

QUESTS_PER_DAY = 3


class RewardKind:
    ACHIEVEMENT = "achievement"
    QUEST = "quest"
    GEMS = "gems"


@dataclass(frozen=True)
class Reward:
    kind: str
    slug: str
    name: str
    tier: int | None
    gems: int

    def as_json(self) -> dict:
        return asdict(self)


# --- Hooks: who hears of an unlock -------------------------------------------------------------

AchievementUnlockedHook = Callable[..., None]
_achievement_unlocked_hooks: dict[str, AchievementUnlockedHook] = {}


def achievement_unlocked_hook_register(name: str, hook: AchievementUnlockedHook) -> None:
    """`hook(*, user, achievement, tier, unlocked)` runs inside the unlocking transaction, once
    per tier the learner unlocks (the feed writes its event there, so both commit together)."""
    if _achievement_unlocked_hooks.get(name, hook) is not hook:
        raise ValueError(f"Another hook is already registered as {name!r}.")
    _achievement_unlocked_hooks[name] = hook


def achievement_unlocked_hook_unregister(name: str) -> None:
    _achievement_unlocked_hooks.pop(name, None)


# --- Achievements ------------------------------------------------------------------------------


def metric_values(*, user) -> dict[str, int]:
    """Every achievement metric's value for the learner, in two queries."""
    stats = (
        LearnerStats.objects.filter(user=user)
        .values(
            "total_xp",
            "lessons_completed",
            "perfect_lessons",
            "reviews_done",
            "words_learned",
            "followers",
            "league_finishes",
        )
        .first()
        or {}
    )
    longest = Streak.objects.filter(user=user).values_list("longest", flat=True)
    values = {metric: stats.get(metric, 0) for metric in AchievementMetric.values}
    # The longest streak, not the current one: a tier reached stays reached after a lapse.
    values[AchievementMetric.STREAK] = longest.first() or 0
    return values


def achievements_check(*, user, at: datetime | None = None) -> list[Reward]:
    """Unlocks (and pays) every active tier the learner's counters reach and they do not hold.
    Each unlock and its gems are one transaction (the caller's, when there is one)."""
    at = aware(at)
    values = metric_values(user=user)
    reached = Q()
    for metric, value in values.items():
        reached |= Q(achievement__metric=metric, threshold__lte=value)
    tiers = (
        AchievementTier.objects.filter(reached, achievement__active=True)
        .exclude(unlocks__user=user)
        .select_related("achievement")
        .order_by("achievement__position", "achievement_id", "level")
    )
    rewards = []
    with transaction.atomic(savepoint=False):
        for tier in tiers:
            reward = _tier_unlock(user=user, tier=tier, at=at)
            if reward is not None:
                rewards.append(reward)
    return rewards


def _tier_unlock(*, user, tier: AchievementTier, at: datetime) -> Reward | None:
    """Runs inside `rewards_collect`'s transaction: the unlock, its gems and its hooks' writes
    commit together or not at all."""
    achievement = tier.achievement
    try:
        with transaction.atomic():
            unlocked = UnlockedTier.objects.create(user=user, tier=tier, unlocked_at=at)
    except IntegrityError:
        # Another request unlocked it first (and pays for it).
        return None
    paid = 0
    if tier.reward_gems and gems_grant(
        user=user,
        amount=tier.reward_gems,
        reason=f"Achievement: {achievement.name} {tier.level}"[:100],
        source="achievement",
        source_id=str(unlocked.pk),
    ):
        paid = tier.reward_gems
    for hook in list(_achievement_unlocked_hooks.values()):
        hook(user=user, achievement=achievement, tier=tier, unlocked=unlocked)
    return Reward(
        kind=RewardKind.ACHIEVEMENT,
        slug=achievement.slug,
        name=achievement.name,
        tier=tier.level,
        gems=paid,
    )


@dataclass(frozen=True)
class AchievementProgress:
    slug: str
    name: str
    description: str
    metric: str
    tier: int  # the highest level unlocked, 0 for none
    progress: int
    goal: int | None  # the next tier's threshold; the last one's once every tier is unlocked
    unlocked_at: datetime | None  # when the highest unlocked tier was reached


def achievements_list(*, user) -> list[AchievementProgress]:
    """Every active achievement with the learner's progress, in four queries whatever the data."""
    values = metric_values(user=user)
    unlocked = dict(
        UnlockedTier.objects.filter(user=user, tier__achievement__active=True).values_list(
            "tier_id", "unlocked_at"
        )
    )
    result = []
    for achievement in Achievement.objects.filter(active=True).prefetch_related("tiers"):
        tiers = sorted(achievement.tiers.all(), key=lambda tier: tier.level)
        held = [tier for tier in tiers if tier.pk in unlocked]
        top = held[-1] if held else None
        following = next((tier for tier in tiers if tier.pk not in unlocked), None)
        goal = following or (tiers[-1] if tiers else None)
        result.append(
            AchievementProgress(
                slug=achievement.slug,
                name=achievement.name,
                description=achievement.description,
                metric=achievement.metric,
                tier=top.level if top else 0,
                progress=values.get(achievement.metric, 0),
                goal=goal.threshold if goal else None,
                unlocked_at=unlocked[top.pk] if top else None,
            )
        )
    return result


# --- Daily quests ------------------------------------------------------------------------------


def _quest_draw(*, user, day: date) -> list[QuestTemplate]:
    """The day's quests: a draw from the active pool seeded by learner and date, so it comes out
    the same whoever makes it first."""
    pool = list(QuestTemplate.objects.filter(active=True).order_by("pk"))
    rng = random.Random(f"quests:{user.pk}:{day.isoformat()}")
    return rng.sample(pool, min(QUESTS_PER_DAY, len(pool)))


def _quest_goal(*, user, template: QuestTemplate) -> int:
    if template.kind == QuestKind.DAILY_GOAL:
        return max(1, user.daily_goal_xp)
    return template.goal


def quests_for_day(*, user, day: date) -> list[DailyQuest]:
    """The learner's quests of `day`, drawn and stored on the first look or event of the day.

    Racing first looks insert the same draw; the unique (user, date, slot) keeps one of each.
    """
    quests = list(DailyQuest.objects.filter(user=user, date=day).order_by("slot"))
    if quests:
        return quests
    drawn = []
    for slot, template in enumerate(_quest_draw(user=user, day=day)):
        goal = _quest_goal(user=user, template=template)
        one, many = QUEST_DESCRIPTIONS[QuestKind(template.kind)]
        text = template.description or (one if goal == 1 else many)
        drawn.append(
            DailyQuest(
                user=user,
                date=day,
                slot=slot,
                template=template,
                slug=template.slug,
                kind=template.kind,
                goal=goal,
                reward_gems=template.reward_gems,
                description=text.replace("{goal}", str(goal))[:255],
            )
        )
    if not drawn:
        return []
    DailyQuest.objects.bulk_create(drawn, ignore_conflicts=True)
    return list(DailyQuest.objects.filter(user=user, date=day).order_by("slot"))


QUEST_COUNTERS = {
    QuestKind.EARN_XP: "xp",
    QuestKind.DAILY_GOAL: "xp",
    QuestKind.COMPLETE_LESSONS: "lessons_completed",
    QuestKind.PERFECT_LESSONS: "perfect_lessons",
    QuestKind.REVIEWS: "reviews_done",
}


def _day_counters(*, user, day: date) -> dict[str, int]:
    row = (
        DailyXp.objects.filter(user=user, date=day)
        .values("xp", "lessons_completed", "perfect_lessons", "reviews_done")
        .first()
    )
    return row or {"xp": 0, "lessons_completed": 0, "perfect_lessons": 0, "reviews_done": 0}


def quest_progress(quest: DailyQuest, counters: dict[str, int]) -> int:
    return min(quest.goal, counters[QUEST_COUNTERS[QuestKind(quest.kind)]])


def quests_check(*, user, at: datetime | None = None) -> list[Reward]:
    """Completes (and pays) the quests of the learner's local day of `at` that the day's counters
    now reach. Each is completed by a conditional update, so it pays once."""
    at = aware(at)
    day = local_day(user=user, at=at).date
    with transaction.atomic(savepoint=False):
        return _quests_complete(user=user, day=day, at=at)


def _quests_complete(*, user, day: date, at: datetime) -> list[Reward]:
    quests = quests_for_day(user=user, day=day)
    counters = _day_counters(user=user, day=day)
    rewards = []
    for quest in quests:
        if quest.completed_at is not None or quest_progress(quest, counters) < quest.goal:
            continue
        # The conditional update takes the row's lock: a racing request waits, then finds the
        # quest completed and updates nothing.
        if not DailyQuest.objects.filter(pk=quest.pk, completed_at__isnull=True).update(
            completed_at=at
        ):
            continue
        paid = 0
        if quest.reward_gems and gems_grant(
            user=user,
            amount=quest.reward_gems,
            reason=f"Daily quest: {quest.description}"[:100],
            source="quest",
            source_id=str(quest.pk),
        ):
            paid = quest.reward_gems
        rewards.append(
            Reward(
                kind=RewardKind.QUEST,
                slug=quest.slug,
                name=quest.description,
                tier=None,
                gems=paid,
            )
        )
    return rewards


@dataclass(frozen=True)
class QuestProgress:
    slug: str
    description: str
    progress: int
    goal: int
    reward_gems: int
    completed_at: datetime | None


@dataclass(frozen=True)
class DayQuests:
    date: date
    quests: list[QuestProgress]


def quests_get(*, user, now: datetime | None = None) -> DayQuests:
    """The learner's three quests of their local day (drawn on the first look)."""
    day = local_day(user=user, at=aware(now)).date
    quests = quests_for_day(user=user, day=day)
    counters = _day_counters(user=user, day=day)
    return DayQuests(
        date=day,
        quests=[
            QuestProgress(
                slug=quest.slug,
                description=quest.description,
                progress=quest_progress(quest, counters),
                goal=quest.goal,
                reward_gems=quest.reward_gems,
                completed_at=quest.completed_at,
            )
            for quest in quests
        ],
    )


# --- A learning step ---------------------------------------------------------------------------


def rewards_collect(*, user, at: datetime | None = None) -> list[dict]:
    """Everything the learner's counters now unlock, paid, as JSON rewards (see the module's
    docstring). Called by a learning step inside its transaction, after its counters moved."""
    at = aware(at)
    # One transaction for all of it (no extra savepoint inside the caller's): a failure pays
    # nothing and unlocks nothing.
    with transaction.atomic(savepoint=False):
        rewards = quests_check(user=user, at=at) + achievements_check(user=user, at=at)
    return [reward.as_json() for reward in rewards]
