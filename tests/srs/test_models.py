"""The review settings' rules live on the model: every door that saves settings runs them."""

import pytest
from django.contrib.admin import site
from django.core.exceptions import ValidationError

from srs.models import MAXIMUM_INTERVAL_MAX, STEP_SECONDS_MIN, ReviewSettings
from srs.serializers import ReviewSettingsSerializer
from tests.srs.factories import ReviewSettingsFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"maximum_interval": MAXIMUM_INTERVAL_MAX + 1}, "maximum_interval"),
        ({"maximum_interval": 0}, "maximum_interval"),
        ({"desired_retention": 0.995}, "desired_retention"),
        ({"learning_steps": [STEP_SECONDS_MIN - 1]}, "learning_steps"),
        ({"relearning_steps": "600"}, "relearning_steps"),
        ({"reminder_hour": 24}, "reminder_hour"),
        ({"parameters": [1.0, 2.0]}, "parameters"),
        ({"new_cards_per_day": 50, "max_reviews_per_day": 40}, "new_cards_per_day"),
    ],
)
def test_the_model_refuses_settings_out_of_bounds(changes, field):
    settings = ReviewSettingsFactory.build(**changes)

    with pytest.raises(ValidationError) as error:
        settings.full_clean(exclude=["user"])

    assert field in error.value.message_dict


def test_the_model_accepts_its_defaults():
    ReviewSettingsFactory.build().full_clean(exclude=["user"])


def test_the_api_and_the_admin_offer_the_models_field_list():
    admin = site._registry[ReviewSettings]

    assert tuple(ReviewSettingsSerializer().fields) == ReviewSettings.EDITABLE_FIELDS
    assert admin.get_fields(None) == ["user", *ReviewSettings.EDITABLE_FIELDS]
