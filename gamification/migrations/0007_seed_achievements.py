"""A starting set of achievements and daily quests, and the editors' permission to curate them.

Editors change, add or retire any of them in the admin afterwards; nothing reads these slugs.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# slug, name, description, metric, ((threshold, gems), ...) per tier.
ACHIEVEMENTS = [
    ("wildfire", "Wildfire", "Keep a streak going", "streak",
     ((3, 5), (7, 10), (14, 15), (30, 25), (100, 50), (365, 100))),
    ("sage", "Sage", "Earn XP", "total_xp",
     ((100, 5), (500, 10), (1000, 15), (5000, 25), (10000, 50))),
    ("scholar", "Scholar", "Complete lessons", "lessons_completed",
     ((1, 5), (10, 10), (50, 20), (100, 30), (500, 60))),
    ("sharpshooter", "Sharpshooter", "Complete lessons without a mistake", "perfect_lessons",
     ((1, 5), (5, 10), (25, 20), (100, 40))),
    ("reviewer", "Reviewer", "Review words", "reviews_done",
     ((10, 5), (100, 10), (500, 20), (2000, 40))),
    ("wordsmith", "Wordsmith", "Learn new words", "words_learned",
     ((10, 5), (50, 10), (100, 20), (500, 40), (1000, 60))),
    ("friendly", "Friendly", "Be followed by other learners", "followers",
     ((1, 5), (5, 10), (25, 20))),
    ("champion", "Champion", "Finish a league week in the promotion places", "league_finishes",
     ((1, 10), (5, 20), (20, 40))),
]

# slug, kind, goal, gems
QUESTS = [
    ("earn-20-xp", "earn_xp", 20, 5),
    ("earn-50-xp", "earn_xp", 50, 10),
    ("complete-1-lesson", "complete_lessons", 1, 5),
    ("complete-3-lessons", "complete_lessons", 3, 10),
    ("perfect-1-lesson", "perfect_lessons", 1, 5),
    ("perfect-2-lessons", "perfect_lessons", 2, 10),
    ("review-10", "reviews", 10, 5),
    ("review-25", "reviews", 25, 10),
    ("daily-goal", "daily_goal", 1, 10),
]

EDITOR_MODELS = ("achievement", "achievementtier", "questtemplate")


def seed(apps, schema_editor):
    Achievement = apps.get_model("gamification", "Achievement")
    AchievementTier = apps.get_model("gamification", "AchievementTier")
    QuestTemplate = apps.get_model("gamification", "QuestTemplate")
    for position, (slug, name, description, metric, tiers) in enumerate(ACHIEVEMENTS):
        achievement, created = Achievement.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "metric": metric,
                "position": position,
            },
        )
        if created:
            AchievementTier.objects.bulk_create(
                AchievementTier(
                    achievement=achievement, level=level, threshold=threshold, reward_gems=gems
                )
                for level, (threshold, gems) in enumerate(tiers, start=1)
            )
    for slug, kind, goal, gems in QUESTS:
        QuestTemplate.objects.get_or_create(
            slug=slug, defaults={"kind": kind, "goal": goal, "reward_gems": gems}
        )

    # Permissions are normally created after all migrations; editors need them now.
    app_config = apps.get_app_config("gamification")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="gamification", content_type__model__in=EDITOR_MODELS
        )
    )


def unseed(apps, schema_editor):
    apps.get_model("gamification", "Achievement").objects.filter(
        slug__in=[row[0] for row in ACHIEVEMENTS]
    ).delete()
    apps.get_model("gamification", "QuestTemplate").objects.filter(
        slug__in=[row[0] for row in QUESTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("gamification", "0006_achievements"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
