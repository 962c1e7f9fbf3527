import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("payment", "refund")


def _content_types_move(apps, schema_editor, *, source: str, target: str):
    """Admin log entries and permissions point at content types: the models' rows move app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not content_types.filter(app_label=target, model=model).exists():
            content_types.filter(app_label=source, model=model).update(app_label=target)


def content_types_to_payments(apps, schema_editor):
    _content_types_move(apps, schema_editor, source="orders", target="payments")


def content_types_to_orders(apps, schema_editor):
    _content_types_move(apps, schema_editor, source="payments", target="orders")


class Migration(migrations.Migration):
    """The models orders' 0007 let go of, on the tables that hold their rows, then renamed."""

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('orders', '0007_payments_to_payments_app'),
        ('payments', '0001_attempts_and_callbacks'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Payment',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated', models.DateTimeField(auto_now=True)),
                        ('provider', models.CharField(max_length=32)),
                        ('reference', models.CharField(max_length=128)),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=14)),
                        ('currency', models.CharField(max_length=3)),
                        ('raw', models.JSONField(blank=True, default=dict)),
                        ('order', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='orders.order')),
                        ('received_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='payments_received', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'orders_payment',
                        'ordering': ['created'],
                        'constraints': [
                            models.UniqueConstraint(fields=('provider', 'reference'), name='payment_provider_reference_unique'),
                            models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='payment_amount_positive'),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name='Refund',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated', models.DateTimeField(auto_now=True)),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=14)),
                        ('currency', models.CharField(max_length=3)),
                        ('reason', models.CharField(max_length=200)),
                        ('status', models.CharField(choices=[('PENDING', 'Pending'), ('DONE', 'Done'), ('FAILED', 'Failed')], default='PENDING', max_length=8)),
                        ('order', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='refunds', to='orders.order')),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='refunds_requested', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'orders_refund',
                        'ordering': ['-created'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_payments, content_types_to_orders),
        migrations.AlterModelTable(name='payment', table=None),
        migrations.AlterModelTable(name='refund', table=None),
    ]
