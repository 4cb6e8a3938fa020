"""Import runs move to the imports app with their rows: the tables are renamed, not copied, and the
models leave follow-up's state (imports 0001 takes them into its own)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('followup', '0002_import_run'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='importrun', table='imports_importrun'),
                migrations.AlterModelTable(name='importrunerror', table='imports_importrunerror'),
            ],
            state_operations=[
                migrations.DeleteModel(name='ImportRunError'),
                migrations.DeleteModel(name='ImportRun'),
            ],
        ),
    ]
