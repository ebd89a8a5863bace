"""Models moved here from accounts with their tables (db_table keeps the accounts_ names):
only the migration state changes; on a new database accounts.0001/0002 created the tables."""

import core.ids
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('accounts', '0002_account_features'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Import',
                    fields=[
                        ('id', core.ids.FlakeIdField(default=core.ids.new_id, editable=False, primary_key=True, serialize=False)),
                        ('kind', models.CharField(choices=[('follows', 'Follows'), ('blocks', 'Blocks'), ('mutes', 'Mutes')], max_length=8)),
                        ('state', models.CharField(choices=[('pending', 'Pending'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='pending', max_length=8)),
                        ('total', models.IntegerField(default=0)),
                        ('processed', models.IntegerField(default=0)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='imports', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'accounts_import',
                    },
                ),
                migrations.CreateModel(
                    name='ImportItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.IntegerField()),
                        ('identifier', models.CharField(max_length=500)),
                        ('outcome', models.CharField(choices=[('pending', 'Pending'), ('done', 'Done'), ('already', 'Already'), ('skipped', 'Skipped')], default='pending', max_length=8)),
                        ('reason', models.CharField(blank=True, default='', max_length=200)),
                        ('account', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('batch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='relationships.import')),
                    ],
                    options={
                        'db_table': 'accounts_importitem',
                    },
                ),
                migrations.CreateModel(
                    name='Mute',
                    fields=[
                        ('id', core.ids.FlakeIdField(default=core.ids.new_id, editable=False, primary_key=True, serialize=False)),
                        ('notifications', models.BooleanField(default=True)),
                        ('expires_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('muted', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='muted_by_rel', to=settings.AUTH_USER_MODEL)),
                        ('muter', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mutes_rel', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'accounts_mute',
                    },
                ),
                migrations.CreateModel(
                    name='AccountNote',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('comment', models.TextField(blank=True, default='')),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'accounts_accountnote',
                        'constraints': [models.UniqueConstraint(fields=('owner', 'account'), name='unique_account_note')],
                    },
                ),
                migrations.CreateModel(
                    name='Block',
                    fields=[
                        ('id', core.ids.FlakeIdField(default=core.ids.new_id, editable=False, primary_key=True, serialize=False)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('blocked', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='blocked_by_rel', to=settings.AUTH_USER_MODEL)),
                        ('blocker', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='blocks_rel', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'accounts_block',
                        'indexes': [models.Index(fields=['blocker', '-id'], name='accounts_bl_blocker_9df016_idx')],
                        'constraints': [models.UniqueConstraint(fields=('blocker', 'blocked'), name='unique_block')],
                    },
                ),
                migrations.CreateModel(
                    name='Endorsement',
                    fields=[
                        ('id', core.ids.FlakeIdField(default=core.ids.new_id, editable=False, primary_key=True, serialize=False)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='endorsed_by_rel', to=settings.AUTH_USER_MODEL)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='endorsements_rel', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'accounts_endorsement',
                        'constraints': [models.UniqueConstraint(fields=('owner', 'account'), name='unique_endorsement')],
                    },
                ),
                migrations.CreateModel(
                    name='Follow',
                    fields=[
                        ('id', core.ids.FlakeIdField(default=core.ids.new_id, editable=False, primary_key=True, serialize=False)),
                        ('state', models.CharField(choices=[('pending', 'Pending'), ('accept', 'Accepted')], default='accept', max_length=8)),
                        ('show_reblogs', models.BooleanField(default=True)),
                        ('notify', models.BooleanField(default=False)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('followed', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='followers_rel', to=settings.AUTH_USER_MODEL)),
                        ('follower', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='following_rel', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'accounts_follow',
                        'indexes': [models.Index(fields=['followed', 'state', '-id'], name='accounts_fo_followe_760c10_idx'), models.Index(fields=['follower', 'state', '-id'], name='accounts_fo_followe_2a678d_idx')],
                        'constraints': [models.UniqueConstraint(fields=('follower', 'followed'), name='unique_follow'), models.CheckConstraint(condition=models.Q(('follower', models.F('followed')), _negated=True), name='no_self_follow')],
                    },
                ),
                migrations.AddIndex(
                    model_name='import',
                    index=models.Index(fields=['user', '-id'], name='accounts_im_user_id_b30032_idx'),
                ),
                migrations.AddConstraint(
                    model_name='importitem',
                    constraint=models.UniqueConstraint(fields=('batch', 'position'), name='unique_import_position'),
                ),
                migrations.AddIndex(
                    model_name='mute',
                    index=models.Index(fields=['muter', '-id'], name='accounts_mu_muter_i_8dcb58_idx'),
                ),
                migrations.AddConstraint(
                    model_name='mute',
                    constraint=models.UniqueConstraint(fields=('muter', 'muted'), name='unique_mute'),
                ),
            ],
        ),
    ]
