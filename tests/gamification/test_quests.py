"""Daily quests: three a local day, the same however often looked at, counted from the learner's
local midnight, each paid once."""

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from gamification.models import Achievement, DailyQuest, GemWallet, QuestTemplate
from gamification.rewards import quests_check, quests_get, rewards_collect
from gamification.services import lesson_completed_record, review_done_record, xp_award
from tests.accounts.factories import UserFactory
from tests.gamification.factories import QuestTemplateFactory

pytestmark = pytest.mark.django_db

# Tokyo (UTC+9) reaches midnight of 11 March at 15:00 UTC on 10 March.
BEFORE_TOKYO_MIDNIGHT = datetime(2025, 3, 10, 14, 30, tzinfo=UTC)
AFTER_TOKYO_MIDNIGHT = datetime(2025, 3, 10, 15, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _only_our_pool():
    Achievement.objects.all().delete()
    QuestTemplate.objects.all().delete()


@pytest.fixture
def tokyo():
    return UserFactory(timezone="Asia/Tokyo", daily_goal_xp=20)


def _one_quest(kind, goal, gems=5):
    return QuestTemplateFactory(slug=f"{kind}-{goal}", kind=kind, goal=goal, reward_gems=gems)


def test_three_quests_are_drawn_and_stay_the_same_however_often_looked_at(user):
    for n in range(8):
        QuestTemplateFactory(slug=f"q{n}", goal=n + 1)

    with freeze_time(AFTER_TOKYO_MIDNIGHT):
        first = quests_get(user=user)
        again = quests_get(user=user)

    assert len(first.quests) == 3
    assert len({quest.slug for quest in first.quests}) == 3
    assert [q.slug for q in again.quests] == [q.slug for q in first.quests]
    assert DailyQuest.objects.filter(user=user).count() == 3


def test_the_draw_depends_on_learner_and_day_only_not_on_who_draws_first(user):
    for n in range(8):
        QuestTemplateFactory(slug=f"q{n}")
    with freeze_time(AFTER_TOKYO_MIDNIGHT):
        drawn = [q.slug for q in quests_get(user=user).quests]
    DailyQuest.objects.all().delete()

    # Drawn again from the same pool, by an event rather than a look: the same three.
    QuestTemplate.objects.update(goal=1000)
    quests_check(user=user, at=AFTER_TOKYO_MIDNIGHT)

    assert list(DailyQuest.objects.order_by("slot").values_list("slug", flat=True)) == drawn


def test_a_pool_of_fewer_than_three_gives_what_there_is(user):
    _one_quest("reviews", 5)

    assert [q.slug for q in quests_get(user=user).quests] == ["reviews-5"]


def test_an_empty_pool_gives_no_quests(user):
    assert quests_get(user=user).quests == []


def test_an_inactive_template_is_not_drawn(user):
    QuestTemplateFactory(slug="off", active=False)

    assert quests_get(user=user).quests == []


def test_an_edited_template_does_not_move_a_quest_under_way(user):
    template = _one_quest("complete_lessons", 2)
    quests_get(user=user)
    template.goal = 10
    template.save()

    [quest] = quests_get(user=user).quests

    assert quest.goal == 2


def test_progress_counts_from_the_learners_local_midnight_and_the_quest_pays_once(tokyo):
    _one_quest("complete_lessons", 2, gems=15)
    # Late on 10 March in Tokyo: that day's lesson.
    lesson_completed_record(user=tokyo, perfect=False, at=BEFORE_TOKYO_MIDNIGHT)
    # After Tokyo's midnight: a new day, whose quest starts from nothing.
    lesson_completed_record(user=tokyo, perfect=False, at=AFTER_TOKYO_MIDNIGHT)

    assert quests_check(user=tokyo, at=AFTER_TOKYO_MIDNIGHT) == []
    with freeze_time(AFTER_TOKYO_MIDNIGHT):
        day = quests_get(user=tokyo)
    assert str(day.date) == "2025-03-11"
    assert day.quests[0].progress == 1

    lesson_completed_record(user=tokyo, perfect=False, at=AFTER_TOKYO_MIDNIGHT)
    [reward] = quests_check(user=tokyo, at=AFTER_TOKYO_MIDNIGHT)
    lesson_completed_record(user=tokyo, perfect=False, at=AFTER_TOKYO_MIDNIGHT)
    assert quests_check(user=tokyo, at=AFTER_TOKYO_MIDNIGHT) == []

    assert (reward.kind, reward.slug, reward.gems) == ("quest", "complete_lessons-2", 15)
    assert GemWallet.objects.get(user=tokyo).balance == 15
    with freeze_time(AFTER_TOKYO_MIDNIGHT):
        [quest] = quests_get(user=tokyo).quests
    assert (quest.progress, quest.completed_at) == (2, AFTER_TOKYO_MIDNIGHT)


def test_the_same_instant_is_a_different_day_for_a_learner_in_another_zone(tokyo):
    lisbon = UserFactory(timezone="Europe/Lisbon")
    _one_quest("reviews", 1)

    with freeze_time(AFTER_TOKYO_MIDNIGHT):
        assert str(quests_get(user=tokyo).date) == "2025-03-11"
        assert str(quests_get(user=lisbon).date) == "2025-03-10"


def test_yesterdays_quests_stay_yesterdays(tokyo):
    _one_quest("reviews", 1)
    review_done_record(user=tokyo, at=BEFORE_TOKYO_MIDNIGHT)
    quests_check(user=tokyo, at=BEFORE_TOKYO_MIDNIGHT)

    with freeze_time(AFTER_TOKYO_MIDNIGHT):
        [today] = quests_get(user=tokyo).quests

    assert (today.progress, today.completed_at) == (0, None)
    assert DailyQuest.objects.filter(user=tokyo, completed_at__isnull=False).count() == 1


@pytest.mark.parametrize(
    ("kind", "goal", "feed"),
    [
        (
            "earn_xp",
            30,
            lambda user, at: xp_award(user=user, amount=30, source="bonus", source_id=1, at=at),
        ),
        (
            "complete_lessons",
            1,
            lambda user, at: lesson_completed_record(user=user, perfect=False, at=at),
        ),
        (
            "perfect_lessons",
            1,
            lambda user, at: lesson_completed_record(user=user, perfect=True, at=at),
        ),
        ("reviews", 1, lambda user, at: review_done_record(user=user, at=at)),
        (
            "daily_goal",
            1,
            lambda user, at: xp_award(user=user, amount=20, source="bonus", source_id=1, at=at),
        ),
    ],
)
def test_each_kind_of_quest_completes_on_its_counter(tokyo, kind, goal, feed):
    _one_quest(kind, goal)

    feed(tokyo, AFTER_TOKYO_MIDNIGHT)
    rewards = rewards_collect(user=tokyo, at=AFTER_TOKYO_MIDNIGHT)

    assert [(r["kind"], r["gems"]) for r in rewards] == [("quest", 5)]


def test_a_perfect_lesson_quest_is_not_met_by_a_lesson_with_mistakes(tokyo):
    _one_quest("perfect_lessons", 1)

    lesson_completed_record(user=tokyo, perfect=False, at=AFTER_TOKYO_MIDNIGHT)

    assert rewards_collect(user=tokyo, at=AFTER_TOKYO_MIDNIGHT) == []


def test_the_daily_goal_quest_uses_the_learners_goal(tokyo):
    _one_quest("daily_goal", 1)
    xp_award(user=tokyo, amount=19, source="bonus", source_id=1, at=AFTER_TOKYO_MIDNIGHT)

    assert rewards_collect(user=tokyo, at=AFTER_TOKYO_MIDNIGHT) == []
    with freeze_time(AFTER_TOKYO_MIDNIGHT):
        [quest] = quests_get(user=tokyo).quests
    assert (quest.goal, quest.progress, quest.description) == (
        20,
        19,
        "Meet your daily goal of 20 XP",
    )


def test_tomorrow_draws_again(tokyo):
    for n in range(8):
        QuestTemplateFactory(slug=f"q{n}")

    with freeze_time(AFTER_TOKYO_MIDNIGHT):
        quests_get(user=tokyo)
    with freeze_time(AFTER_TOKYO_MIDNIGHT + timedelta(days=1)):
        quests_get(user=tokyo)

    assert sorted(set(DailyQuest.objects.values_list("date", flat=True))) == [
        datetime(2025, 3, 11).date(),
        datetime(2025, 3, 12).date(),
    ]


def test_a_quest_of_one_reads_in_the_singular():
    # Given a pool holding only a one-lesson quest
    QuestTemplate.objects.all().delete()
    QuestTemplate.objects.create(slug="one-lesson", kind="complete_lessons", goal=1, reward_gems=5)
    user = UserFactory()

    (quest,) = quests_get(user=user).quests

    assert quest.description == "Complete a lesson"
