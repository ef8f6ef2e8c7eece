"""Gives every account made before usernames existed a suggested one (the learner can change it)."""

from django.db import migrations


def backfill(apps, schema_editor):
    from accounts.usernames import username_suggest

    User = apps.get_model("accounts", "User")
    taken = {name.lower() for name in User.objects.exclude(username=None).values_list("username", flat=True)}
    for user in User.objects.filter(username=None).only("id", "email", "display_name").order_by("id").iterator():
        name = username_suggest(user.display_name, user.email.split("@", 1)[0], taken=taken.__contains__)
        taken.add(name)
        User.objects.filter(pk=user.pk).update(username=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_user_username_profile_flags")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
