from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from gamification.models import GemWallet, Hearts, Streak, XpEvent, XpSource
from gamification.services import gems_credit, gems_debit, heart_lose, xp_award
from tests.accounts.factories import UserFactory
from tests.gamification.factories import (
    DailyXpFactory,
    GemWalletFactory,
    HeartsFactory,
    LearnerStatsFactory,
    StreakFactory,
    XpEventFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    "xpevent",
    "dailyxp",
    "learnerstats",
    "streak",
    "hearts",
    "gemwallet",
    "gemtransaction",
]
NOW = datetime(2025, 3, 10, 12, tzinfo=UTC)


def changelist(model: str) -> str:
    return reverse(f"admin:gamification_{model}_changelist")


@pytest.fixture
def editor_client(client):
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name="editors"))
    client.force_login(editor)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_gamification_changelist_opens_for_an_admin(admin_client, model):
    response = admin_client.get(changelist(model))

    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_nothing_can_be_added_from_the_admin(admin_client, model):
    response = admin_client.get(reverse(f"admin:gamification_{model}_add"))

    assert response.status_code == 403


@pytest.mark.parametrize("model", MODELS)
def test_editors_cannot_see_the_game_state(editor_client, model):
    response = editor_client.get(changelist(model))

    assert response.status_code == 403


def test_the_xp_ledger_is_searched_by_learner_email(admin_client):
    wanted, other = UserFactory(email="wanted@example.com"), UserFactory()
    xp_award(user=wanted, amount=10, source="lesson", source_id=1, at=NOW)
    xp_award(user=other, amount=10, source="lesson", source_id=2, at=NOW)

    response = admin_client.get(changelist("xpevent"), {"q": "wanted@"})

    assert list(response.context["cl"].result_list) == [XpEvent.objects.get(user=wanted)]


def test_the_xp_ledger_is_filtered_by_source(admin_client, user):
    xp_award(user=user, amount=10, source=XpSource.LESSON, source_id=1, at=NOW)
    review = xp_award(user=user, amount=5, source=XpSource.REVIEW, source_id=1, at=NOW)

    response = admin_client.get(changelist("xpevent"), {"source__exact": "review"})

    assert list(response.context["cl"].result_list) == [review]


def test_an_xp_event_opens_read_only_and_a_post_changes_nothing(admin_client, user):
    event = xp_award(user=user, amount=10, source="lesson", source_id=1, at=NOW)
    url = reverse("admin:gamification_xpevent_change", args=[event.pk])

    page = admin_client.get(url)
    posted = admin_client.post(url, {"amount": 1000})

    assert page.status_code == 200
    assert b'name="amount"' not in page.content
    assert posted.status_code == 403
    event.refresh_from_db()
    assert event.amount == 10


def test_an_xp_event_cannot_be_deleted(admin_client, user):
    event = xp_award(user=user, amount=10, source="lesson", source_id=1, at=NOW)

    response = admin_client.post(
        reverse("admin:gamification_xpevent_delete", args=[event.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert XpEvent.objects.filter(pk=event.pk).exists()


def test_the_wallet_page_shows_its_ledger_inline(admin_client, user):
    gems_credit(user=user, amount=40, reason="daily goal reward")
    gems_debit(user=user, amount=15, reason="heart refill")

    response = admin_client.get(reverse("admin:gamification_gemwallet_change", args=[user.pk]))

    assert response.status_code == 200
    assert b"daily goal reward" in response.content
    assert b"heart refill" in response.content
    assert b'name="transactions-0-amount"' not in response.content


def test_the_hearts_list_shows_the_count_regenerated_by_now(admin_client, user):
    for _ in range(5):
        heart_lose(user=user, now=datetime(2020, 1, 1, tzinfo=UTC))

    response = admin_client.get(changelist("hearts"))

    assert Hearts.objects.get(user=user).count == 0
    assert response.context["cl"].result_list[0].user == user
    assert b'<td class="field-hearts_now">5</td>' in response.content


def test_the_streak_list_shows_a_lapsed_streak_as_zero(admin_client):
    StreakFactory(current=7, longest=7, last_active_date=datetime(2020, 1, 1).date())

    response = admin_client.get(changelist("streak"))

    assert Streak.objects.get().current == 7
    assert b'<td class="field-streak_now">0</td>' in response.content


@pytest.mark.parametrize("model", MODELS)
def test_changelist_queries_do_not_grow_with_rows(
    admin_client, model, django_assert_max_num_queries
):
    def make(n: int) -> None:
        for _ in range(n):
            learner = UserFactory()
            XpEventFactory(user=learner)
            DailyXpFactory(user=learner)
            LearnerStatsFactory(user=learner)
            StreakFactory(user=learner)
            HeartsFactory(user=learner, count=2)
            GemWalletFactory(user=learner, credits=[3])

    make(2)
    with django_assert_max_num_queries(12) as small:
        admin_client.get(changelist(model))
    make(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        admin_client.get(changelist(model))
    assert GemWallet.objects.count() == 32


def test_the_gem_ledger_is_searched_by_learner_email(admin_client):
    wanted = GemWalletFactory(user=UserFactory(email="wanted@example.com"), credits=[5, 7])
    GemWalletFactory(credits=[9])

    response = admin_client.get(changelist("gemtransaction"), {"q": "wanted@"})

    assert sorted(row.amount for row in response.context["cl"].result_list) == [5, 7]
    assert all(row.wallet == wanted for row in response.context["cl"].result_list)
