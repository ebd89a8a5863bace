"""Follow, Block, Mute, Endorsement, AccountNote, Import and ImportItem now belong to
relationships, BackupCode to oauth: removed from this app's state only, their tables stay
(the new apps' 0001 migrations take them over under the same names)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_account_features'),
        ('oauth', '0001_initial'),
        ('relationships', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='backupcode',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='block',
                    name='blocked',
                ),
                migrations.RemoveField(
                    model_name='block',
                    name='blocker',
                ),
                migrations.RemoveField(
                    model_name='endorsement',
                    name='account',
                ),
                migrations.RemoveField(
                    model_name='endorsement',
                    name='owner',
                ),
                migrations.RemoveField(
                    model_name='follow',
                    name='followed',
                ),
                migrations.RemoveField(
                    model_name='follow',
                    name='follower',
                ),
                migrations.RemoveField(
                    model_name='import',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='importitem',
                    name='batch',
                ),
                migrations.RemoveField(
                    model_name='importitem',
                    name='account',
                ),
                migrations.RemoveField(
                    model_name='mute',
                    name='muted',
                ),
                migrations.RemoveField(
                    model_name='mute',
                    name='muter',
                ),
                migrations.DeleteModel(
                    name='AccountNote',
                ),
                migrations.DeleteModel(
                    name='BackupCode',
                ),
                migrations.DeleteModel(
                    name='Block',
                ),
                migrations.DeleteModel(
                    name='Endorsement',
                ),
                migrations.DeleteModel(
                    name='Follow',
                ),
                migrations.DeleteModel(
                    name='Import',
                ),
                migrations.DeleteModel(
                    name='ImportItem',
                ),
                migrations.DeleteModel(
                    name='Mute',
                ),
            ],
        ),
    ]
