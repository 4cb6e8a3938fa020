from django.db import migrations


def load(apps, schema_editor):
    from finsam.registry.reference import load_reference_data

    load_reference_data(apps.get_model("registry", "Region"), apps.get_model("registry", "Municipality"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
