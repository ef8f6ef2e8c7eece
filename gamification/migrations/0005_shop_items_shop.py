"""Seeds the shop, fills `balance_after` of the ledger rows written before it existed, and lets
editors manage shop items (and nothing else of gamification)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ITEMS = [
    {
        "slug": "streak-freeze",
        "name": "Streak freeze",
        "description": "Keeps your streak going through one day you miss. Used by itself.",
        "price": 200,
        "max_owned": 2,
        "effect": "streak_freeze",
        "position": 1,
    },
    {
        "slug": "heart-refill",
        "name": "Heart refill",
        "description": "Fills your hearts to the maximum.",
        "price": 350,
        "max_owned": None,
        "effect": "heart_refill",
        "position": 2,
    },
    {
        "slug": "xp-boost",
        "name": "XP boost",
        "description": "Doubles the XP of your lessons for 15 minutes.",
        "price": 100,
        "max_owned": None,
        "effect": "xp_boost",
        "position": 3,
    },
]


def seed(apps, schema_editor):
    ShopItem = apps.get_model("gamification", "ShopItem")
    for item in ITEMS:
        ShopItem.objects.update_or_create(slug=item["slug"], defaults=item)
    GemTransaction = apps.get_model("gamification", "GemTransaction")
    running: dict[int, int] = {}
    for row in GemTransaction.objects.order_by("wallet_id", "created_at", "id").iterator():
        running[row.wallet_id] = running.get(row.wallet_id, 0) + row.amount
        row.balance_after = max(running[row.wallet_id], 0)
        row.save(update_fields=["balance_after"])
    app_config = apps.get_app_config("gamification")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="gamification", content_type__model="shopitem"
        )
    )


def unseed(apps, schema_editor):
    apps.get_model("gamification", "ShopItem").objects.filter(
        slug__in=[item["slug"] for item in ITEMS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("gamification", "0004_gems_shop"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
