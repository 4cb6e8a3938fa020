"""R-BOARD in the database, as its last line: on PostgreSQL, exclusion constraints refuse a person two board
seats of one förbund at once, and a förbund two chairs or two vice chairs at once (periods inclusive of
both days). The services check the same first and say why in Swedish; the constraints hold against a race
and a write around the services. SQLite has no exclusion constraints: there only the services check.

btree_gist lets the integer columns take part in the GiST index; it is a trusted extension, so the role
that owns the database and runs the migrations may create it (docs/operations.md)."""

from django.db import migrations

PERIOD = 'daterange("start", "end", \'[]\') WITH &&'
CONSTRAINTS = {
    "board_seat_person_no_overlap": f"(association_id WITH =, person_id WITH =, {PERIOD})",
    "board_seat_one_chair": f"(association_id WITH =, {PERIOD}) WHERE (chair)",
    "board_seat_one_vice_chair": f"(association_id WITH =, {PERIOD}) WHERE (vice_chair)",
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, definition in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE registry_boardseat ADD CONSTRAINT {name} EXCLUDE USING gist {definition}"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE registry_boardseat DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_reference_data")]

    operations = [migrations.RunPython(forward, backward)]
