"""Each order message is produced by the action that causes it, and only once."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from notifications.models import OutboxMessage
from orders.models import Order
from orders.services import order_expire
from payments.services import payment_apply
from orders.services.reminders import order_reminders_send
from orders.tasks import orders_remind_due_task
from tests.conftest import client_for
from tests.orders.conftest import order_body

pytestmark = pytest.mark.django_db


def _messages():
    return sorted(OutboxMessage.objects.values_list("template", "channel", "recipient"))


def _place(api, **fields):
    response = api.post("/stores/orders/", fields.pop("body"), format="json")
    assert response.status_code == 201, response.json()
    return Order.objects.get(order_number=response.json()["order_number"])


def _pay(order, amount, reference):
    payment_apply(order_id=order.pk, amount=Decimal(amount), currency="KES", provider="mpesa", reference=reference)


def test_ordinary_order_sends_nothing_until_paid(api, catalog):
    _place(api, body=order_body((catalog.vvip, 1)))
    assert _messages() == []


def test_pay_later_order_sends_payment_instructions_once(api, catalog):
    _place(api, body=order_body((catalog.vvip, 1), is_pay_later=True))
    assert _messages() == [("order_created", "email", "jane@doe.com"), ("order_created", "sms", "+254720111222")]


def test_each_payment_is_acknowledged_once_with_the_balance(api, catalog):
    order = _place(api, body=order_body((catalog.vvip, 2), payment_installments=2))
    OutboxMessage.objects.all().delete()
    _pay(order, "4000.00", "P1")
    _pay(order, "4000.00", "P1")  # a replayed callback
    received = OutboxMessage.objects.filter(template="payment_received")
    assert received.count() == 2
    assert {m.context["order_balance"] for m in received} == {"5000.00"}


def test_pos_order_paid_messages_customer_and_agent(catalog):
    client_for(catalog.agent).post("/stores/orders/", order_body((catalog.regular, 1), payment_method="CASH"),
                                   format="json")
    assert _messages() == [("order_paid", "email", "jane@doe.com"), ("order_paid", "sms", "+254720111222"),
                           ("order_paid_agent", "sms", catalog.agent.phone_number)]


def test_expired_cancelled_and_refunded_orders_tell_the_customer(api, catalog):
    expired = _place(api, body=order_body((catalog.vvip, 1)))
    Order.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    order_expire(order_id=expired.pk)
    order_expire(order_id=expired.pk)
    cancelled = _place(api, body=order_body((catalog.vvip, 1)))
    client_for(catalog.owner).post(f"/stores/orders/{cancelled.pk}/cancel/")
    refunded = _place(api, body=order_body((catalog.vvip, 1)))
    _pay(refunded, "4500.00", "R")
    client_for(catalog.owner).post(f"/stores/orders/{refunded.pk}/refund/")
    templates = list(OutboxMessage.objects.filter(channel="email").values_list("template", flat=True))
    assert sorted(templates) == ["order_cancelled", "order_expired", "order_paid", "order_refunded"]


def test_installment_reminders_go_out_before_each_due_date_once(api, catalog):
    order = _place(api, body=order_body((catalog.vvip, 2), payment_installments=3))  # 9000 over 48 h
    start = order.created
    reminders = lambda: OutboxMessage.objects.filter(template="installment_reminder", channel="email")  # noqa: E731
    assert order_reminders_send(order_id=order.pk, now=start + timedelta(hours=9)) == 0
    assert order_reminders_send(order_id=order.pk, now=start + timedelta(hours=11)) == 1  # due at 16 h
    order_reminders_send(order_id=order.pk, now=start + timedelta(hours=12))
    assert reminders().count() == 1
    assert reminders().get().context["amount_due"] == "3000.00"
    _pay(order, "6000.00", "early")  # the second installment is covered in advance
    order_reminders_send(order_id=order.pk, now=start + timedelta(hours=27))
    assert reminders().count() == 1
    order_reminders_send(order_id=order.pk, now=start + timedelta(hours=46, minutes=30))
    assert reminders().count() == 2
    assert OutboxMessage.objects.filter(template="order_expiry_warning", channel="sms").count() == 1


def test_reminder_job_selects_only_orders_whose_reminder_is_due(api, catalog):
    from orders.services.reminders import orders_reminder_due_ids

    ordinary = _place(api, body=order_body((catalog.vvip, 1)))
    later = _place(api, body=order_body((catalog.vvip, 1), is_pay_later=True))
    assert ordinary.next_reminder_at is None
    warning_at = later.expires_at - timedelta(hours=2)
    assert abs((later.next_reminder_at - warning_at).total_seconds()) < 1
    assert orders_reminder_due_ids(now=warning_at - timedelta(minutes=1)) == []
    assert orders_reminder_due_ids(now=warning_at + timedelta(minutes=1)) == [later.pk]


def test_reminder_beat_task_sends_what_is_due_and_moves_on(api, catalog):
    later = _place(api, body=order_body((catalog.vvip, 1), is_pay_later=True))
    Order.objects.filter(pk=later.pk).update(expires_at=timezone.now() + timedelta(minutes=30),
                                             next_reminder_at=timezone.now() - timedelta(seconds=1))
    orders_remind_due_task.delay()
    orders_remind_due_task.delay()
    assert OutboxMessage.objects.filter(template="order_expiry_warning", channel="email").count() == 1
    later.refresh_from_db()
    assert later.next_reminder_at is None  # nothing left to remind
