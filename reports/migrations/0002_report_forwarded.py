from django.db import migrations, models


def mark_sent_flags(apps, schema_editor):
    """Reports filed with `forward` on an account of another server had their Flag sent."""
    Report = apps.get_model("reports", "Report")
    Report.objects.filter(forward=True, target__domain__isnull=False).exclude(target__domain="").update(
        forwarded=True)


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="forwarded",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_sent_flags, migrations.RunPython.noop),
    ]
