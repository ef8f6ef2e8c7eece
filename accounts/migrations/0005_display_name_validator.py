"""Display names are checked by `validate_display_text` and stored normalized.

Names saved before lose what the check refuses (bidi controls, invisible and control characters,
leading marks); a name with nothing left to see becomes empty, as if never set.
"""

import unicodedata

from django.db import migrations

import accounts.fields
import accounts.validators


def clean_display_names(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.exclude(display_name="").only("pk", "display_name").iterator():
        name = accounts.validators.normalize_display_text(user.display_name)
        name = "".join(
            char for char in name if not accounts.validators.refused_in_display_text(char)
        )
        name = accounts.validators.normalize_display_text(name)
        while name and unicodedata.category(name[0]).startswith("M"):
            name = name[1:].lstrip(" ")
        if name != user.display_name:
            User.objects.filter(pk=user.pk).update(display_name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_loginsession")]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="display_name",
            field=accounts.fields.DisplayTextField(
                blank=True,
                max_length=80,
                validators=[accounts.validators.validate_display_text],
                verbose_name="display name",
            ),
        ),
        migrations.RunPython(clean_display_names, migrations.RunPython.noop),
    ]
