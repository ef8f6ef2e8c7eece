"""Editors define achievements and the quest pool in the admin; learners' unlocks are read-only."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from gamification.models import Achievement, AchievementTier, QuestTemplate, UnlockedTier
from gamification.rewards import quests_get, rewards_collect
from gamification.services import lesson_completed_record
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 10, 12, tzinfo=UTC)


@pytest.fixture
def editor_client(client):
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name="editors"))
    client.force_login(editor)
    return client


@pytest.mark.parametrize("model", ["achievement", "questtemplate"])
def test_editors_open_the_changelist_and_add_page(editor_client, model):
    assert editor_client.get(reverse(f"admin:gamification_{model}_changelist")).status_code == 200
    assert editor_client.get(reverse(f"admin:gamification_{model}_add")).status_code == 200


def test_an_editor_adds_an_achievement_with_tiers(editor_client):
    response = editor_client.post(
        reverse("admin:gamification_achievement_add"),
        {
            "slug": "owl",
            "name": "Night owl",
            "description": "",
            "metric": "reviews_done",
            "position": 0,
            "active": "on",
            "tiers-TOTAL_FORMS": 2,
            "tiers-INITIAL_FORMS": 0,
            "tiers-0-level": 1,
            "tiers-0-threshold": 10,
            "tiers-0-reward_gems": 5,
            "tiers-1-level": 2,
            "tiers-1-threshold": 50,
            "tiers-1-reward_gems": 10,
        },
    )

    assert response.status_code == 302, response.content[:2000]
    assert list(
        AchievementTier.objects.filter(achievement__slug="owl").values_list("level", "threshold")
    ) == [(1, 10), (2, 50)]


def test_an_editor_adds_a_quest_template(editor_client):
    response = editor_client.post(
        reverse("admin:gamification_questtemplate_add"),
        {"slug": "xp-100", "kind": "earn_xp", "goal": 100, "reward_gems": 20, "active": "on"},
    )

    assert response.status_code == 302
    assert QuestTemplate.objects.filter(slug="xp-100", goal=100).exists()


@pytest.mark.parametrize("model", ["unlockedtier", "dailyquest"])
def test_learners_unlocks_and_quests_list_for_admins_and_cannot_be_added(admin_client, user, model):
    lesson_completed_record(user=user, perfect=True, at=NOW)
    quests_get(user=user, now=NOW)
    rewards_collect(user=user, at=NOW)

    assert admin_client.get(reverse(f"admin:gamification_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:gamification_{model}_add")).status_code == 403


def test_export_and_deletion_hold_unlocked_tiers_and_quests(auth_client, user):
    lesson_completed_record(user=user, perfect=True, at=NOW)
    quests_get(user=user, now=NOW)
    rewards_collect(user=user, at=NOW)
    assert UnlockedTier.objects.filter(user=user).exists()

    section = auth_client.get("/api/v1/me/export/").json()["gamification"]

    assert {row["achievement"] for row in section["achievements"]} >= {"scholar"}
    assert len(section["daily_quests"]) == 3
    user.delete()
    assert not UnlockedTier.objects.exists()
    assert Achievement.objects.exists()  # the definitions stay
