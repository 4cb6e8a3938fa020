"""Import runs and their errors, taken over from follow-up with their tables and rows (followup 0003
renamed the tables); only the migration state is created here. The content types follow."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ('importrun', 'importrunerror')


def move_content_types(apps, schema_editor):
    content_types = apps.get_model('contenttypes', 'ContentType')
    for model in MOVED:
        if not content_types.objects.filter(app_label='imports', model=model).exists():
            content_types.objects.filter(app_label='followup', model=model).update(app_label='imports')


def move_content_types_back(apps, schema_editor):
    content_types = apps.get_model('contenttypes', 'ContentType')
    for model in MOVED:
        if not content_types.objects.filter(app_label='followup', model=model).exists():
            content_types.objects.filter(app_label='imports', model=model).update(app_label='followup')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('followup', '0003_imports_take_import_runs'),
        ('registry', '0002_reference_data'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ImportRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('stored_name', models.CharField(blank=True, editable=False, max_length=100, verbose_name='lagrad fil')),
                        ('file_size', models.PositiveBigIntegerField(default=0, verbose_name='filstorlek (byte)')),
                        ('status', models.CharField(choices=[('queued', 'Väntar'), ('validating', 'Kontrollerar raderna'), ('writing', 'Sparar'), ('done', 'Inläst'), ('refused', 'Inte inläst: fel i filen'), ('failed', 'Avbruten')], default='queued', max_length=16, verbose_name='status')),
                        ('rows_total', models.PositiveIntegerField(blank=True, null=True, verbose_name='rader')),
                        ('rows_done', models.PositiveIntegerField(default=0, verbose_name='kontrollerade rader')),
                        ('error_count', models.PositiveIntegerField(default=0, verbose_name='fel')),
                        ('message', models.TextField(blank=True, verbose_name='meddelande')),
                        ('counts', models.JSONField(blank=True, default=dict, verbose_name='antal')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='startad')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='senast uppdaterad')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='klar')),
                        ('association', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='import_runs', to='registry.association', verbose_name='förbund')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'inläsning av deltagare',
                        'verbose_name_plural': 'inläsningar av deltagare',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ImportRunError',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('row', models.PositiveIntegerField(verbose_name='rad')),
                        ('column', models.CharField(blank=True, max_length=60, verbose_name='kolumn')),
                        ('message', models.CharField(max_length=400, verbose_name='meddelande')),
                        ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='errors', to='imports.importrun')),
                    ],
                    options={
                        'verbose_name': 'fel i inläsning',
                        'verbose_name_plural': 'fel i inläsningar',
                        'ordering': ['run_id', 'row', 'id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='importrun',
                    index=models.Index(fields=['association', 'status'], name='import_run_assoc_status'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
