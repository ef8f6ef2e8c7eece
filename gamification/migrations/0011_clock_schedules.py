"""The beat rows of the clock's streak jobs, each at the start of every hour (UTC): a local
midnight, evening or Monday morning comes at some hour in every zone."""

import json

from django.db import migrations

JOBS = {
    "gamification: streak rollover": "streak_rollover",
    "gamification: streak reminders": "streak_reminders",
    "gamification: weekly progress": "weekly_progress",
}


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="*",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    for name, job in JOBS.items():
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={
                "task": "config.tasks.job_run_task",
                "args": json.dumps([job]),
                "crontab": hourly,
                "enabled": True,
            },
        )


def delete_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=JOBS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("gamification", "0010_clock_notices"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
