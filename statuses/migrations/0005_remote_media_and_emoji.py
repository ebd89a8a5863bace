from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("statuses", "0004_remote_status_ids"),
    ]

    operations = [
        migrations.AddField(
            model_name="statuscontext",
            name="ap_id",
            field=models.CharField(blank=True, max_length=2000, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="status",
            name="emojis",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="mediaattachment",
            name="remote_url",
            field=models.CharField(blank=True, default="", max_length=2000),
        ),
    ]
