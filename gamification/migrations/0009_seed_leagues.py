"""The leagues' rule table with its defaults, the `league_week_close` beat row, and the champion
achievement's wording (it counts top-three finishes, the issue's rule).

The beat row runs the job hourly at minute 5 (UTC): the week closes at Monday 00:05, and any
missed run is caught up by the next hour's; a run with nothing to close costs one query (and
refreshes this week's Redis ranking).
"""

import json

from django.db import migrations

TASK_NAME = "gamification: league week close"
JOB = "league_week_close"
CHAMPION_OLD = "Finish a league week in the promotion places"
CHAMPION_NEW = "Finish a league week in the top three"

# league: (promote, demote, gems for 1st, 2nd, 3rd); a copy of RULE_DEFAULTS as of this migration
RULES = {
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


def seed(apps, schema_editor):
    LeagueRule = apps.get_model("gamification", "LeagueRule")
    for league, (promote, demote, first, second, third) in RULES.items():
        LeagueRule.objects.get_or_create(
            league=league,
            defaults={
                "promote_count": promote,
                "demote_count": demote,
                "gems_first": first,
                "gems_second": second,
                "gems_third": third,
            },
        )
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="5",
        hour="*",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "config.tasks.job_run_task",
            "args": json.dumps([JOB]),
            "crontab": schedule,
            "enabled": True,
        },
    )
    apps.get_model("gamification", "Achievement").objects.filter(
        slug="champion", description=CHAMPION_OLD
    ).update(description=CHAMPION_NEW)


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()
    apps.get_model("gamification", "LeagueRule").objects.all().delete()
    apps.get_model("gamification", "Achievement").objects.filter(
        slug="champion", description=CHAMPION_NEW
    ).update(description=CHAMPION_OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("gamification", "0008_leagues"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
