from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0003_importrunerror_message_en"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="message_en",
            field=models.TextField(blank=True, default="", verbose_name="meddelande på engelska"),
        ),
    ]
