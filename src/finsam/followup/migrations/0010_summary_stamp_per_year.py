import secrets

from django.db import migrations, models

SUMMARIES = (
    "StartedSummary",
    "StartedAgeSummary",
    "ExitedSummary",
    "OutcomeSummary",
    "IncomeSummary",
    "DurationSummary",
    "TakingPartSummary",
)


def stamp_existing(apps, schema_editor):
    """A stamp for every förbund and year that already has summary cells."""
    stamp = apps.get_model("followup", "SummaryStamp")
    pairs = set()
    for name in SUMMARIES:
        model = apps.get_model("followup", name)
        pairs |= set(model.objects.order_by().values_list("association_id", "year").distinct())
    stamp.objects.bulk_create(
        [
            stamp(association_id=association, year=year, stamp=secrets.randbits(62))
            for association, year in sorted(pairs)
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    """The summaries' stamps per förbund and year instead of per förbund: the statistics of a year are
    kept while cells of later years change (a registration of this year leaves last year's figures kept).
    The stamps are random and only key what a process keeps, so the old ones are dropped, not carried."""

    dependencies = [
        ("followup", "0009_fewer_key_indexes"),
    ]

    operations = [
        migrations.DeleteModel(name="SummaryStamp"),
        migrations.CreateModel(
            name="SummaryStamp",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("association_id", models.BigIntegerField()),
                ("year", models.IntegerField()),
                ("stamp", models.BigIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("association_id", "year"), name="summary_stamp_once")
                ],
            },
        ),
        migrations.RunPython(stamp_existing, migrations.RunPython.noop),
    ]
