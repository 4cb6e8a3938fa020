"""Role assignments and API tokens move to the accounts app with their rows: the tables are renamed, not
copied, and the models leave core's state (accounts 0001 takes them into its own)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_append_only'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='roleassignment', table='accounts_roleassignment'),
                migrations.AlterModelTable(name='apitoken', table='accounts_apitoken'),
            ],
            state_operations=[
                migrations.DeleteModel(name='RoleAssignment'),
                migrations.DeleteModel(name='ApiToken'),
            ],
        ),
    ]
