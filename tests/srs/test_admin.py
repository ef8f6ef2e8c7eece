import pytest
from django.urls import reverse

from srs.models import ReviewCard, ReviewLog
from tests.accounts.factories import UserFactory
from tests.courses.factories import WordFactory
from tests.srs.factories import ReviewCardFactory, ReviewLogFactory, ReviewSettingsFactory

pytestmark = pytest.mark.django_db


def changelist(model: str) -> str:
    return reverse(f"admin:srs_{model}_changelist")


@pytest.mark.parametrize(
    "model", ["reviewcard", "reviewlog", "reviewsettings", "dailyreviewsession"]
)
def test_every_srs_changelist_opens_for_an_admin(admin_client, model):
    ReviewLogFactory()
    ReviewSettingsFactory()

    response = admin_client.get(changelist(model))

    assert response.status_code == 200


def test_cards_are_searched_by_learner_email(admin_client):
    wanted = ReviewCardFactory(user=UserFactory(email="wanted@example.com"))
    other = ReviewCardFactory()

    response = admin_client.get(changelist("reviewcard"), {"q": "wanted@"})

    shown = list(response.context["cl"].result_list)
    assert shown == [wanted]
    assert other not in shown


def test_cards_are_searched_by_word_text(admin_client):
    wanted = ReviewCardFactory(word=WordFactory(text="murciélago"))
    ReviewCardFactory(word=WordFactory(text="perro"))

    response = admin_client.get(changelist("reviewcard"), {"q": "murci"})

    assert list(response.context["cl"].result_list) == [wanted]


def test_cards_are_filtered_by_state_and_suspension(admin_client):
    review = ReviewCardFactory(seen=True)
    ReviewCardFactory()
    suspended = ReviewCardFactory(suspended=True)

    by_state = admin_client.get(changelist("reviewcard"), {"state__exact": "2"})
    by_suspension = admin_client.get(changelist("reviewcard"), {"suspended__exact": "1"})

    assert list(by_state.context["cl"].result_list) == [review]
    assert list(by_suspension.context["cl"].result_list) == [suspended]


def test_a_card_page_picks_learner_and_word_by_raw_id(admin_client):
    card = ReviewCardFactory()

    response = admin_client.get(reverse("admin:srs_reviewcard_change", args=[card.pk]))

    assert response.status_code == 200
    assert 'class="vForeignKeyRawIdAdminField"' in response.content.decode()


def test_the_suspend_action_suspends_the_selected_cards(admin_client):
    cards = ReviewCardFactory.create_batch(2)

    admin_client.post(
        changelist("reviewcard"),
        {"action": "suspend", "_selected_action": [card.pk for card in cards]},
    )

    assert ReviewCard.objects.filter(suspended=True).count() == 2


def test_logs_cannot_be_added_changed_or_deleted(admin_client):
    log = ReviewLogFactory(rating=3)
    change_url = reverse("admin:srs_reviewlog_change", args=[log.pk])

    added = admin_client.get(reverse("admin:srs_reviewlog_add"))
    posted = admin_client.post(change_url, {"rating": 1})
    deleted = admin_client.post(
        reverse("admin:srs_reviewlog_delete", args=[log.pk]), {"post": "yes"}
    )

    assert added.status_code == 403
    assert admin_client.get(change_url).status_code == 200
    assert posted.status_code == 403
    assert deleted.status_code == 403
    assert ReviewLog.objects.get(pk=log.pk).rating == 3


def _settings_form(settings, learning_steps: str) -> dict:
    return {
        "user": settings.user_id,
        "desired_retention": 0.9,
        "new_cards_per_day": 20,
        "max_reviews_per_day": 200,
        "learning_steps": learning_steps,
        "relearning_steps": "[600]",
        "maximum_interval": 36500,
        "parameters": "null",
        "reminders_enabled": "on",
        "reminder_hour": 8,
    }


def test_the_settings_admin_refuses_learning_steps_under_a_minute(admin_client):
    settings = ReviewSettingsFactory()
    url = reverse("admin:srs_reviewsettings_change", args=[settings.pk])

    response = admin_client.post(url, _settings_form(settings, "[1, 600]"))

    assert response.status_code == 200
    assert "learning_steps" in response.context["adminform"].form.errors
    settings.refresh_from_db()
    assert settings.learning_steps == [60, 600]


def test_the_settings_admin_saves_valid_settings(admin_client):
    settings = ReviewSettingsFactory()
    url = reverse("admin:srs_reviewsettings_change", args=[settings.pk])

    response = admin_client.post(url, _settings_form(settings, "[60, 120]"))

    assert response.status_code == 302
    settings.refresh_from_db()
    assert settings.learning_steps == [60, 120]
