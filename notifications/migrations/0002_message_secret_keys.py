from django.db import migrations, models

# Messages written before secret keys existed: the one-time code is their only secret.
CODE_TEMPLATES = ("verification_code", "password_reset_code")
REMOVED = "[removed]"


def codes_mark_secret(apps, schema_editor):
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    messages = OutboxMessage.objects.filter(template__in=CODE_TEMPLATES)
    for message in messages.iterator(chunk_size=1000):
        message.secret_keys = ["code"]
        if message.status in ("SENT", "DEAD") and "code" in (message.context or {}):
            message.context = {**message.context, "code": REMOVED}
        message.save(update_fields=["secret_keys", "context"])


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='outboxmessage',
            name='secret_keys',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(codes_mark_secret, migrations.RunPython.noop),
    ]
