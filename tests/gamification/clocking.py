"""Learners as the clock's tests need them: a zone, a streak last kept up at a given instant,
and streak freezes held."""

from datetime import datetime

from gamification.models import InventoryItem, ShopEffect, ShopItem, Streak
from tests.accounts.factories import UserFactory


def freeze_item() -> ShopItem:
    # Made here as well: a transactional test's flush removed the migration's seeded items.
    item, _ = ShopItem.objects.get_or_create(
        slug="streak-freeze",
        defaults={"name": "Streak freeze", "price": 10, "effect": ShopEffect.STREAK_FREEZE},
    )
    return item


def learner(*, zone: str, active_at: datetime | None, current: int = 5, freezes: int = 0, **extra):
    """A learner in `zone` whose streak of `current` days was last kept up at `active_at`."""
    user = UserFactory(timezone=zone, **extra)
    if active_at is not None:
        Streak.objects.create(
            user=user,
            current=current,
            longest=current,
            last_active_date=active_at.astimezone(user.zone).date(),
            last_active_at=active_at,
        )
    if freezes:
        InventoryItem.objects.create(user=user, item=freeze_item(), quantity=freezes)
    return user


def freezes_held(user) -> int:
    row = InventoryItem.objects.filter(user=user, item__effect=ShopEffect.STREAK_FREEZE).first()
    return row.quantity if row else 0


def streak_of(user) -> Streak:
    return Streak.objects.get(user=user)
