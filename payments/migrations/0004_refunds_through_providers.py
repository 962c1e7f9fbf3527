import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


def earlier_refunds_by_hand(apps, schema_editor):
    """Refunds recorded before they named a payment were never sent to a provider: staff hand them back."""
    apps.get_model("payments", "Refund").objects.using(schema_editor.connection.alias).update(by_hand=True)


class Migration(migrations.Migration):
    """Refunds name the payment (or the uncredited attempt) they return and the provider's word on them;
    callbacks may be a refund's result."""

    dependencies = [
        ('orders', '0007_payments_to_payments_app'),
        ('payments', '0003_paybill'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='providercallback',
            name='refund',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='callbacks', to='payments.refund'),
        ),
        migrations.AddField(
            model_name='refund',
            name='attempt',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='refunds', to='payments.paymentattempt'),
        ),
        migrations.AddField(
            model_name='refund',
            name='by_hand',
            field=models.BooleanField(default=False, help_text='Handed back by staff (cash): no provider is asked.'),
        ),
        migrations.AddField(
            model_name='refund',
            name='claimed_at',
            field=models.DateTimeField(blank=True, help_text='When a worker last took it to send.', null=True),
        ),
        migrations.AddField(
            model_name='refund',
            name='done_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='refund',
            name='failure_reason',
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name='refund',
            name='payment',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='refunds', to='payments.payment'),
        ),
        migrations.AddField(
            model_name='refund',
            name='provider',
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AddField(
            model_name='refund',
            name='provider_reference',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name='refund',
            name='receipt',
            field=models.CharField(blank=True, help_text="The provider's reference of the money sent back.", max_length=100),
        ),
        migrations.AddField(
            model_name='refund',
            name='sent_at',
            field=models.DateTimeField(blank=True, help_text='When the provider took the request; its result comes later.', null=True),
        ),
        migrations.AddField(
            model_name='refund',
            name='tries',
            field=models.PositiveSmallIntegerField(default=0, help_text='Requests to the provider so far (sent or asked).'),
        ),
        migrations.AlterField(
            model_name='providercallback',
            name='outcome',
            field=models.CharField(choices=[('credited', 'Credited'), ('duplicate', 'Duplicate'), ('not_paid', 'Not Paid'), ('review', 'Review'), ('unknown_reference', 'Unknown Reference'), ('invalid', 'Invalid'), ('unauthenticated', 'Unauthenticated'), ('refunded', 'Refunded'), ('refund_failed', 'Refund Failed')], max_length=20),
        ),
        migrations.AddIndex(
            model_name='refund',
            index=models.Index(fields=['provider', 'provider_reference'], name='payments_re_provide_4f3ada_idx'),
        ),
        migrations.AddIndex(
            model_name='refund',
            index=models.Index(fields=['status', 'created'], name='payments_re_status_7d23d0_idx'),
        ),
        migrations.AddConstraint(
            model_name='refund',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', Decimal('0'))), name='refund_amount_positive'),
        ),
        migrations.AddConstraint(
            model_name='refund',
            constraint=models.CheckConstraint(condition=models.Q(('payment__isnull', True), ('attempt__isnull', True), _connector='OR'), name='refund_of_a_payment_or_an_attempt'),
        ),
        migrations.AddConstraint(
            model_name='refund',
            constraint=models.UniqueConstraint(condition=models.Q(('attempt__isnull', False)), fields=('attempt',), name='refund_late_money_once'),
        ),
        migrations.RunPython(earlier_refunds_by_hand, migrations.RunPython.noop),
    ]
