"""Learning and relearning steps now last a minute at least (`srs.models.STEP_SECONDS_MIN`).

Steps saved shorter are raised to the minimum, so that a learner who set them before can still
change other settings (every change checks the settings as a whole).
"""

from django.db import migrations

# Frozen here: the migration must do the same whatever the constant becomes later.
STEP_SECONDS_MIN = 60


def raise_short_steps(apps, schema_editor):
    ReviewSettings = apps.get_model("srs", "ReviewSettings")
    for settings in ReviewSettings.objects.iterator():
        changed = []
        for name in ("learning_steps", "relearning_steps"):
            steps = getattr(settings, name)
            if not isinstance(steps, list):
                continue
            raised = [
                max(step, STEP_SECONDS_MIN) if isinstance(step, int) else step for step in steps
            ]
            if raised != steps:
                setattr(settings, name, raised)
                changed.append(name)
        if changed:
            settings.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("srs", "0002_morning_reviews_schedule")]

    operations = [migrations.RunPython(raise_short_steps, migrations.RunPython.noop)]
