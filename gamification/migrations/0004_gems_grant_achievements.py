"""gems_grant (minimal, h-achieve): a gem grant is made once per (source, source_id). The
gem-economy branch may bring the same columns; the merger keeps one of the two."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("gamification", "0003_xpevent_source_day_index"),
    ]

    operations = [
        migrations.AddField(
            model_name='gemtransaction',
            name='source',
            field=models.CharField(blank=True, default='', max_length=32),
        ),
        migrations.AddField(
            model_name='gemtransaction',
            name='source_id',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddConstraint(
            model_name='gemtransaction',
            constraint=models.UniqueConstraint(condition=models.Q(('source', ''), _negated=True), fields=('source', 'source_id'), name='gamification_gemtx_source_once'),
        ),
    ]
