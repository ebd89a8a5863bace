from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("statuses", "0003_polls_and_scheduled_statuses"),
    ]

    operations = [
        migrations.AddField(
            model_name="status",
            name="ap_id",
            field=models.CharField(blank=True, max_length=2000, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="status",
            name="remote_url",
            field=models.CharField(blank=True, default="", max_length=2000),
        ),
    ]
