"""What leagues keep. PostgreSQL is the record; Redis only holds a rebuildable ranking.

A learner's standing in a week is their `LeagueMember` row: created with their first XP of the
week (joining the first cohort of their league with room), raised by each later award; ties go
to whoever reached the total first (`reached_at`). `WeeklyXp` holds every learner's XP of the
week, opted-out learners included, for the percentile.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# A cohort never holds more: it is opened with this many places (`LeagueSeat`).
COHORT_SIZE_MAX = 30


class League(models.TextChoices):
    """In order, lowest first (API.md)."""

    BRONZE = "bronze", _("Bronze")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")
    SAPPHIRE = "sapphire", _("Sapphire")
    RUBY = "ruby", _("Ruby")
    EMERALD = "emerald", _("Emerald")
    AMETHYST = "amethyst", _("Amethyst")
    PEARL = "pearl", _("Pearl")
    OBSIDIAN = "obsidian", _("Obsidian")
    DIAMOND = "diamond", _("Diamond")


LEAGUES: tuple[str, ...] = tuple(League.values)


def league_moved(league: str, steps: int) -> str:
    """The league `steps` above (or below, negative) `league`, kept within the ten."""
    index = LEAGUES.index(league) + steps
    return LEAGUES[max(0, min(len(LEAGUES) - 1, index))]


def week_start_of(day: date) -> date:
    """The Monday of `day`'s week (weeks start on Monday 00:00 UTC)."""
    return day - timedelta(days=day.weekday())


class WeekResult(models.TextChoices):
    PROMOTED = "promoted", _("Promoted")
    STAYED = "stayed", _("Stayed")
    DEMOTED = "demoted", _("Demoted")


def week_result(rank: int, *, up: int | None, down: int | None) -> tuple[str, int]:
    """The result of `rank` in a cohort whose zones are `up` and `down` (see `LeagueRule.zones`),
    with the league move it makes: 1 up, -1 down, 0."""
    if up is not None and rank <= up:
        return WeekResult.PROMOTED, 1
    if down is not None and rank >= down:
        return WeekResult.DEMOTED, -1
    return WeekResult.STAYED, 0


class LeagueRule(models.Model):
    """How a league's cohorts end: how many of the top ranks go up and of the bottom ranks go
    down, and the gems of the first three places. Counts are for a full cohort; in a smaller
    one the demotion places shrink in proportion (see `zones`)."""

    league = models.CharField(max_length=16, choices=League.choices, primary_key=True)
    promote_count = models.PositiveSmallIntegerField(
        help_text=_("The top ranks that go up a league (0 in the last league).")
    )
    demote_count = models.PositiveSmallIntegerField(
        help_text=_("The bottom ranks that go down a league (0 in the first league).")
    )
    gems_first = models.PositiveIntegerField(default=0)
    gems_second = models.PositiveIntegerField(default=0)
    gems_third = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("league rule")
        verbose_name_plural = _("league rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(promote_count__lte=COHORT_SIZE_MAX)
                & Q(demote_count__lte=COHORT_SIZE_MAX),
                name="gamification_leaguerule_counts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.league}: top {self.promote_count} up, bottom {self.demote_count} down"

    def zones(self, size: int) -> tuple[int | None, int | None]:
        """(promote_up_to, demote_from) as ranks for a cohort of `size`; None where nobody goes
        up (or down). The promotion places stay (being top of a small cohort is still winning
        it); the demotion places shrink with the cohort, in proportion to a full one, so a lone
        learner or a handful is not sent down for being few. Promotion wins where the two would
        meet; none up from the last league, none down from the first, whatever the row says."""
        up = 0 if self.league == LEAGUES[-1] else min(self.promote_count, size)
        down = 0 if self.league == LEAGUES[0] else self.demote_count * size // COHORT_SIZE_MAX
        down = min(down, size - up)
        return (up or None, size - down + 1 if down else None)

    def podium_gems(self, rank: int) -> int:
        return {1: self.gems_first, 2: self.gems_second, 3: self.gems_third}.get(rank, 0)


# Duolingo-like defaults, also what a league without a row uses: fewer go up the higher the
# league, bronze loses nobody, diamond promotes nobody; the podium pays more higher up.
RULE_DEFAULTS: dict[str, tuple[int, int, int, int, int]] = {
    # league: (promote, demote, gems 1st, 2nd, 3rd)
    "bronze": (10, 0, 20, 15, 10),
    "silver": (10, 5, 20, 15, 10),
    "gold": (10, 5, 25, 20, 15),
    "sapphire": (7, 5, 25, 20, 15),
    "ruby": (7, 5, 30, 25, 20),
    "emerald": (7, 5, 30, 25, 20),
    "amethyst": (5, 5, 40, 30, 20),
    "pearl": (5, 5, 40, 30, 20),
    "obsidian": (5, 5, 50, 40, 30),
    "diamond": (0, 5, 60, 50, 40),
}


def league_rule_default(league: str) -> LeagueRule:
    promote, demote, first, second, third = RULE_DEFAULTS[league]
    return LeagueRule(
        league=league,
        promote_count=promote,
        demote_count=demote,
        gems_first=first,
        gems_second=second,
        gems_third=third,
    )


class LearnerLeague(models.Model):
    """The league a learner competes in next; created on first use, in bronze."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="learner_league",
    )
    league = models.CharField(max_length=16, choices=League.choices, default=League.BRONZE)

    class Meta:
        verbose_name = _("learner's league")
        verbose_name_plural = _("learners' leagues")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.league}"


class LeagueCohort(models.Model):
    """Up to COHORT_SIZE_MAX learners of one league competing in one week. Its places not taken
    yet are `LeagueSeat` rows; `number` (1, 2, ...) within the league and week is unique, so two
    learners opening a cohort at once open one."""

    league = models.CharField(max_length=16, choices=League.choices)
    week_start = models.DateField(help_text=_("The Monday (UTC) the week starts."))
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("league cohort")
        verbose_name_plural = _("league cohorts")
        ordering = ["-week_start", "league", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["league", "week_start", "number"], name="gamification_cohort_number_once"
            ),
        ]
        indexes = [
            # The week close finds the cohorts not closed yet.
            models.Index(
                fields=["week_start"],
                condition=Q(closed_at__isnull=True),
                name="gamif_cohort_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.league} {self.week_start} #{self.number}"

    @property
    def group(self) -> str:
        """The channel group its live leaderboards listen to."""
        return f"league-cohort-{self.pk}"


class LeagueSeat(models.Model):
    """A place not taken yet in an open cohort: a cohort is opened with COHORT_SIZE_MAX of them
    (less the one its opener takes), and a learner joins by deleting one, locked with
    `FOR UPDATE SKIP LOCKED` (`membership._free_place_take`). Learners joining at once so take
    different places without waiting for each other's transactions to end, and a cohort holds
    at most as many members as it had places. A counter on the cohort's row, raised under its
    lock, made each joiner wait for the whole transaction of every joiner before it: the lesson
    completions of a Monday morning, in one queue (README, "Benchmarks")."""

    cohort = models.ForeignKey(LeagueCohort, on_delete=models.CASCADE, related_name="seats")

    class Meta:
        verbose_name = _("free place in a league cohort")
        verbose_name_plural = _("free places in league cohorts")

    def __str__(self) -> str:
        return f"a place in {self.cohort_id}"


class LeagueMember(models.Model):
    """A learner's standing in one week: the cohort, the week's XP, when that total was reached;
    once the week is closed, the final rank and result (the history)."""

    cohort = models.ForeignKey(LeagueCohort, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="league_memberships"
    )
    # Copies of the cohort's, so that "one cohort per learner and week" is a unique constraint.
    week_start = models.DateField()
    league = models.CharField(max_length=16, choices=League.choices)
    xp = models.PositiveIntegerField(default=0)
    reached_at = models.DateTimeField(help_text=_("When the week's XP reached its total."))
    joined_at = models.DateTimeField()
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    result = models.CharField(max_length=16, choices=WeekResult.choices, blank=True, default="")

    class Meta:
        verbose_name = _("league member")
        verbose_name_plural = _("league members")
        ordering = ["cohort", "-xp", "reached_at", "user_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "week_start"], name="gamification_member_one_cohort_a_week"
            )
        ]
        indexes = [
            models.Index(fields=["cohort", "-xp", "reached_at"], name="gamif_member_standing"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.week_start}: {self.xp} XP"


class WeeklyXp(models.Model):
    """A learner's XP of one week (Monday 00:00 UTC on), whether or not they are in a cohort:
    what the percentile ranks, and what its Redis sorted set is rebuilt from."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_xp"
    )
    week_start = models.DateField()
    xp = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("weekly XP")
        verbose_name_plural = _("weekly XP")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "week_start"], name="gamification_weeklyxp_once"
            )
        ]
        indexes = [models.Index(fields=["week_start", "xp"], name="gamif_weeklyxp_rank")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.week_start}: {self.xp} XP"
