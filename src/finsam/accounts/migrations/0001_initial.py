"""Role assignments and API tokens, taken over from core with their tables and rows (core 0003 renamed
the tables); only the migration state is created here. The content types follow, so that permissions and
admin history stay attached."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ('roleassignment', 'apitoken')


def move_content_types(apps, schema_editor):
    content_types = apps.get_model('contenttypes', 'ContentType')
    for model in MOVED:
        if not content_types.objects.filter(app_label='accounts', model=model).exists():
            content_types.objects.filter(app_label='core', model=model).update(app_label='accounts')


def move_content_types_back(apps, schema_editor):
    content_types = apps.get_model('contenttypes', 'ContentType')
    for model in MOVED:
        if not content_types.objects.filter(app_label='core', model=model).exists():
            content_types.objects.filter(app_label='accounts', model=model).update(app_label='core')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0003_accounts_take_roles_and_tokens'),
        ('registry', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ApiToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key_hash', models.CharField(max_length=64, unique=True)),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('expires', models.DateTimeField()),
                        ('last_used', models.DateTimeField(blank=True, null=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'API-nyckel',
                        'verbose_name_plural': 'API-nycklar',
                    },
                ),
                migrations.CreateModel(
                    name='RoleAssignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('national_admin', 'Nationell arbetsgrupp (administratör)'), ('national_viewer', 'Nationella rådet (läsare)'), ('association_admin', 'Förbundschef/administratör'), ('participant_coordinator', 'Deltagaransvarig'), ('board_member', 'Styrelseledamot'), ('auditor', 'Revisor'), ('member_representative', 'Medlemsrepresentant')], max_length=32, verbose_name='roll')),
                        ('association', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='role_assignments', to='registry.association', verbose_name='förbund')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='role_assignments', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'rolltilldelning',
                        'verbose_name_plural': 'rolltilldelningar',
                        'constraints': [models.UniqueConstraint(fields=('user', 'role', 'association'), name='role_assignment_unique'), models.UniqueConstraint(condition=models.Q(('association__isnull', True)), fields=('user', 'role'), name='national_role_unique'), models.CheckConstraint(condition=models.Q(models.Q(('association__isnull', True), ('role__in', ['national_admin', 'national_viewer'])), models.Q(models.Q(('role__in', ['national_admin', 'national_viewer']), _negated=True), ('association__isnull', False)), _connector='OR'), name='role_scope_matches_kind')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
