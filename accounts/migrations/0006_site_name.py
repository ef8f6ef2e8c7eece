"""The site that allauth's mails and pages name (django.contrib.sites' row SITE_ID): the
platform's name and domain from settings, in place of the "example.com" Django creates."""

from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations


def site_name_set(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    _, created = Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": settings.SITE_DOMAIN, "name": settings.SITE_NAME}
    )
    if created:
        # On a new database this runs before django.contrib.sites' own post_migrate step, which
        # would have set the id sequence past the row it makes; a row made here with its id
        # given must do the same, or the next site created would take that id again.
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Site]):
                cursor.execute(sql)


def site_name_unset(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com", name="example.com")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_display_name_validator"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(site_name_set, site_name_unset)]
