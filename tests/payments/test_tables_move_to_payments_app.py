"""Payments and refunds moved from the orders app to the payments app: a database that holds them,
migrated across the move, keeps every row, and admin log entries follow their content type."""
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from payments.models import Payment, Refund
from tests.migrations import migrate_to
from tests.tickets.conftest import catalog, place  # noqa: F401 (the catalog fixture)

BEFORE_THE_MOVE = [("orders", "0006_customer_email_optional"), ("payments", "0001_attempts_and_callbacks")]


@pytest.mark.django_db(transaction=True)
def test_payments_refunds_and_log_entries_survive_when_migrated_across_the_move(api, catalog):
    order = place(api, (catalog.vvip, 1))
    old_apps = migrate_to(BEFORE_THE_MOVE)
    try:
        payment = old_apps.get_model("orders", "Payment").objects.create(
            order_id=order.pk, provider="mpesa", reference="RKTQDM7W6S", amount=Decimal("300.00"), currency="KES")
        refund = old_apps.get_model("orders", "Refund").objects.create(
            order_id=order.pk, amount=Decimal("300.00"), currency="KES", reason="cancelled")
        old_type = old_apps.get_model("contenttypes", "ContentType").objects.get(app_label="orders", model="payment")
        entry = old_apps.get_model("admin", "LogEntry").objects.create(
            user_id=catalog.owner.pk, content_type_id=old_type.pk, object_id=str(payment.pk),
            object_repr="mpesa RKTQDM7W6S", action_flag=2, action_time=timezone.now())
    finally:
        migrate_to()  # the latest schema again, for this test's checks and every test after it

    moved = Payment.objects.get(pk=payment.pk)
    assert (moved.order_id, moved.reference, moved.amount) == (order.pk, "RKTQDM7W6S", Decimal("300.00"))
    assert Refund.objects.get(pk=refund.pk).reason == "cancelled"
    assert Refund.objects.get(pk=refund.pk).by_hand  # never sent to a provider: staff hand it back
    assert LogEntry.objects.get(pk=entry.pk).get_edited_object() == moved
    assert not ContentType.objects.filter(app_label="orders", model__in=["payment", "refund"]).exists()
    # The receipt's uniqueness came along with the table: a replay still cannot credit twice.
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(order_id=order.pk, provider="mpesa", reference="RKTQDM7W6S",
                               amount=Decimal("1.00"), currency="KES")
