"""The scanned consent forms are encrypted at rest like the identities (followup.identity): the forms
stored before are encrypted in place, each file written beside and renamed over the plain one."""

from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations


def encrypt_stored_forms(apps, schema_editor):
    from finsam.followup import identity

    Consent = apps.get_model("followup", "Consent")
    for name in Consent.objects.exclude(scanned_form="").values_list("scanned_form", flat=True).iterator():
        if not default_storage.exists(name):
            continue
        with default_storage.open(name, "rb") as handle:
            content = handle.read()
        if identity.is_encrypted_file(content):
            continue
        sealed = identity.encrypt_file(content)
        try:
            path = Path(default_storage.path(name))
        except NotImplementedError:
            default_storage.delete(name)
            default_storage.save(name, ContentFile(sealed))
            continue
        temporary = path.with_name(path.name + ".new")
        temporary.write_bytes(sealed)
        temporary.chmod(0o600)
        temporary.replace(path)


class Migration(migrations.Migration):
    dependencies = [("followup", "0006_statistics_summaries")]

    operations = [migrations.RunPython(encrypt_stored_forms, migrations.RunPython.noop, elidable=True)]
