"""The site that allauth's mails and pages name (django.contrib.sites' row SITE_ID): the
platform's name and domain from settings, in place of the "example.com" Django creates."""

from django.conf import settings
from django.db import migrations


def site_name_set(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": settings.SITE_DOMAIN, "name": settings.SITE_NAME}
    )


def site_name_unset(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com", name="example.com")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_display_name_validator"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(site_name_set, site_name_unset)]
