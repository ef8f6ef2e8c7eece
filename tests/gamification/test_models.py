"""The database refuses what the services never write, whoever writes it."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError

from gamification.models import GemTransaction, XpEvent
from tests.gamification.factories import DailyXpFactory, GemWalletFactory, XpEventFactory

pytestmark = pytest.mark.django_db


def test_an_xp_event_is_unique_per_learner_source_and_source_id(user):
    XpEventFactory(user=user, source="lesson", source_id="1")

    with pytest.raises(IntegrityError):
        XpEventFactory(user=user, source="lesson", source_id="1")


def test_an_xp_event_of_zero_is_refused(user):
    with pytest.raises(IntegrityError):
        XpEvent.objects.create(
            user=user,
            amount=0,
            source="bonus",
            source_id="x",
            created_at=datetime(2025, 3, 10, tzinfo=UTC),
            local_date=datetime(2025, 3, 10).date(),
        )


def test_a_learner_has_one_daily_total_per_day(user):
    row = DailyXpFactory(user=user)

    with pytest.raises(IntegrityError):
        DailyXpFactory(user=user, date=row.date)


def test_a_wallet_balance_cannot_go_negative():
    wallet = GemWalletFactory()
    wallet.balance = -1

    with pytest.raises(IntegrityError):
        wallet.save()


def test_a_gem_transaction_of_zero_is_refused():
    wallet = GemWalletFactory()

    with pytest.raises(IntegrityError):
        GemTransaction.objects.create(wallet=wallet, amount=0, reason="nothing")
