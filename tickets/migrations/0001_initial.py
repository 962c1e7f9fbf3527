import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("issuedticket", "checkinscan", "eventcheckins")


def _content_types_move(apps, schema_editor, *, source: str, target: str):
    """Admin log entries and permissions point at content types: the models' rows move app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not content_types.filter(app_label=target, model=model).exists():
            content_types.filter(app_label=source, model=model).update(app_label=target)


def content_types_to_tickets(apps, schema_editor):
    _content_types_move(apps, schema_editor, source="orders", target="tickets")


def content_types_to_orders(apps, schema_editor):
    _content_types_move(apps, schema_editor, source="tickets", target="orders")


class Migration(migrations.Migration):
    """The models orders' 0005 let go of, on the tables that hold their rows (renamed by 0002)."""

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('orders', '0005_issued_tickets_to_tickets_app'),
        ('stores', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='IssuedTicket',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated', models.DateTimeField(auto_now=True)),
                        ('sequence', models.PositiveSmallIntegerField(help_text="1 … the line's item_quantity")),
                        ('attendee', models.CharField(max_length=200)),
                        ('status', models.CharField(choices=[('VALID', 'Valid'), ('CHECKED_IN', 'Checked In'), ('VOID', 'Void')], default='VALID', max_length=12)),
                        ('issued_at', models.DateTimeField(help_text='Whole seconds: signed into the QR code')),
                        ('checked_in_at', models.DateTimeField(blank=True, null=True)),
                        ('checked_in_gate', models.CharField(blank=True, max_length=64)),
                        ('voided_at', models.DateTimeField(blank=True, null=True)),
                        ('checked_in_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('event', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='issued_tickets', to='stores.event')),
                        ('order', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='issued_tickets', to='orders.order')),
                        ('order_line', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='issued_tickets', to='orders.orderline')),
                        ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='issued_tickets', to='stores.ticket')),
                    ],
                    options={
                        'db_table': 'orders_issuedticket',
                        'ordering': ['issued_at', 'sequence'],
                        'indexes': [models.Index(fields=['event', 'updated'], name='issued_ticket_event_updated')],
                        'constraints': [
                            models.UniqueConstraint(fields=('order_line', 'sequence'), name='issued_ticket_line_sequence_unique'),
                            models.CheckConstraint(condition=models.Q(('sequence__gte', 1)), name='issued_ticket_sequence_positive'),
                            models.CheckConstraint(condition=models.Q(models.Q(('status', 'CHECKED_IN'), _negated=True), ('checked_in_at__isnull', False), _connector='OR'), name='issued_ticket_checked_in_has_time'),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name='CheckInScan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('scan_id', models.CharField(max_length=64, unique=True)),
                        ('gate', models.CharField(blank=True, max_length=64)),
                        ('scanned_at', models.DateTimeField()),
                        ('result', models.CharField(choices=[('checked_in', 'Checked In'), ('already_checked_in', 'Already Checked In'), ('ticket_void', 'Void'), ('ticket_not_found', 'Not Found'), ('ticket_token_invalid', 'Invalid')], max_length=24)),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('agent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('issued_ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='scans', to='tickets.issuedticket')),
                    ],
                    options={
                        'db_table': 'orders_checkinscan',
                        'ordering': ['scanned_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='EventCheckIns',
                    fields=[],
                    options={
                        'verbose_name': 'event check-ins',
                        'verbose_name_plural': 'event check-ins',
                        'proxy': True,
                        'indexes': [],
                        'constraints': [],
                    },
                    bases=('stores.event',),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_tickets, content_types_to_orders),
    ]
