"""Payment, expiry, cancellation and refund: units and messages follow the status machine."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from notifications.models import OutboxMessage
from orders.models import Order
from orders.services import order_expire
from payments.models import Payment, Refund
from payments.services import payment_apply
from orders.tasks import orders_expire_due_task
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.orders.conftest import order_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(api, catalog):
    response = api.post("/stores/orders/", order_body((catalog.vvip, 2)), format="json")
    assert response.status_code == 201
    return Order.objects.get(pk=response.json()["id"])


def _units(ticket):
    ticket.refresh_from_db()
    return ticket.sold, ticket.reserved


def _pay(order, amount, reference="R1"):
    return payment_apply(order_id=order.pk, amount=Decimal(amount), currency="KES", provider="mpesa",
                         reference=reference)


def test_full_payment_marks_paid_sells_units_and_queues_messages(catalog, pending):
    _pay(pending, "9000.00")
    pending.refresh_from_db()
    assert pending.status == "PAID" and pending.order_balance == 0
    assert _units(catalog.vvip) == (2, 0)
    templates = set(OutboxMessage.objects.values_list("template", "channel"))
    assert templates == {("order_paid", "email"), ("order_paid", "sms")}


def test_partial_payments_lower_balance_then_pay(catalog, pending):
    _pay(pending, "4000.00", "R1")
    pending.refresh_from_db()
    assert pending.status == "PARTIALLY_PAID" and pending.order_balance == Decimal("5000.00")
    assert OutboxMessage.objects.filter(template="payment_received").count() == 2
    _pay(pending, "5000.00", "R2")
    pending.refresh_from_db()
    assert pending.status == "PAID"


def test_replayed_payment_credits_once(catalog, pending):
    first = _pay(pending, "4000.00", "SAME")
    again = _pay(pending, "4000.00", "SAME")
    assert first.pk == again.pk
    pending.refresh_from_db()
    assert pending.amount_paid == Decimal("4000.00")
    assert Payment.objects.count() == 1


def test_overpayment_and_wrong_currency_refused(catalog, pending):
    from mookh.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        _pay(pending, "9000.01")
    assert refused.value.code == "not_payable"
    with pytest.raises(DomainError):
        payment_apply(order_id=pending.pk, amount=Decimal("10"), currency="USD", provider="x", reference="y")
    assert not Payment.objects.exists()


def test_beat_task_expires_due_orders_and_units_go_back_on_sale(catalog, pending):
    Order.objects.filter(pk=pending.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    orders_expire_due_task.delay()  # in-process in tests; a real worker runs it in production
    pending.refresh_from_db()
    assert pending.status == "EXPIRED"
    assert _units(catalog.vvip) == (0, 0)
    assert OutboxMessage.objects.filter(template="order_expired").count() == 2


def test_expiry_is_a_no_op_before_the_window_ends(catalog, pending):
    order_expire(order_id=pending.pk)
    pending.refresh_from_db()
    assert pending.status == "PENDING"
    assert _units(catalog.vvip) == (0, 2)


def test_late_payment_finds_order_expired_and_is_refused(catalog, pending):
    from mookh.core.errors import DomainError

    Order.objects.filter(pk=pending.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(DomainError) as refused:
        _pay(pending, "9000.00")
    assert refused.value.code == "not_payable"
    pending.refresh_from_db()
    assert pending.status == "EXPIRED" and _units(catalog.vvip) == (0, 0)


def test_expired_installment_order_refunds_what_was_paid(api, catalog):
    order_id = api.post("/stores/orders/", order_body((catalog.vvip, 2), payment_installments=3),
                        format="json").json()["id"]
    order = Order.objects.get(pk=order_id)
    _pay(order, "3000.00")
    Order.objects.filter(pk=order_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    order_expire(order_id=order_id)
    refund = Refund.objects.get(order_id=order_id)
    assert refund.amount == Decimal("3000.00") and refund.status == "PENDING"


def test_owner_cancels_pending_order_and_units_are_released(catalog, pending):
    response = client_for(catalog.owner).post(f"/stores/orders/{pending.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["order_status"] == "CANCELLED"
    assert _units(catalog.vvip) == (0, 0)


def test_cancel_of_paid_order_is_409_and_refund_works(catalog, pending):
    _pay(pending, "9000.00")
    owner = client_for(catalog.owner)
    response = owner.post(f"/stores/orders/{pending.pk}/cancel")
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"
    response = owner.post(f"/stores/orders/{pending.pk}/refund/")
    assert response.status_code == 200 and response.json()["order_status"] == "REFUNDED"
    assert Refund.objects.get().amount == Decimal("9000.00")
    assert _units(catalog.vvip) == (0, 0)  # the event has not started: the seats are on sale again
    again = owner.post(f"/stores/orders/{pending.pk}/refund/")
    assert again.status_code == 409


def test_refund_of_unpaid_order_is_409(catalog, pending):
    response = client_for(catalog.owner).post(f"/stores/orders/{pending.pk}/refund/")
    assert response.status_code == 409


def test_cancel_and_refund_hidden_from_others(api, catalog, pending):
    assert api.post(f"/stores/orders/{pending.pk}/cancel/").status_code == 401
    for user in (UserFactory(roles=["store_owner"]), catalog.agent):
        assert client_for(user).post(f"/stores/orders/{pending.pk}/cancel/").status_code == 404
    pending.refresh_from_db()
    assert pending.status == "PENDING"


def test_super_admin_may_cancel(super_admin, pending):
    assert client_for(super_admin).post(f"/stores/orders/{pending.pk}/cancel/").status_code == 200


def test_order_flags_follow_real_delivery(catalog, pending, settings, django_capture_on_commit_callbacks):
    from notifications import sms

    settings.SMS_BACKEND = "notifications.sms.locmem.SmsBackend"
    sms.outbox.clear()
    assert not (pending.flag_email_sent or pending.flag_sms_sent)
    with django_capture_on_commit_callbacks(execute=True):
        _pay(pending, "9000.00")
    pending.refresh_from_db()
    assert pending.flag_email_sent and pending.flag_sms_sent
    assert [message.to for message in sms.outbox] == ["+254720111222"]


def test_owner_cannot_cancel_or_refund_an_order_shared_with_another_store(api, catalog):
    from stores.models import Event
    from tests.orders.conftest import store_create, ticket_create

    other_owner = UserFactory(roles=["store_owner"])
    other_event = Event.objects.create(store=store_create(owner=other_owner), event_category=catalog.category,
                                       event_name="Other", event_description="x", is_published=True,
                                       start_date=timezone.now() + timedelta(days=3))
    order_id = api.post("/stores/orders/", order_body((catalog.vvip, 1), (ticket_create(other_event, "GA", "100.00",
                        quantity=5), 1)), format="json").json()["id"]
    for owner in (catalog.owner, other_owner):
        assert client_for(owner).post(f"/stores/orders/{order_id}/cancel/").status_code == 404
    assert Order.objects.get(pk=order_id).status == "PENDING"
    assert _units(catalog.vvip) == (0, 1)


def test_super_admin_places_pos_orders_for_any_store(super_admin, catalog):
    response = client_for(super_admin).post("/stores/orders/", order_body((catalog.regular, 1), payment_method="CASH"),
                                            format="json")
    assert response.status_code == 201 and response.json()["order_status"] == "PAID"


def test_single_installment_is_the_whole_amount(api, catalog):
    from tests.orders.conftest import ticket_create

    odd = ticket_create(catalog.event, "Odd", "449.50", quantity=5)
    body = api.post("/stores/orders/", order_body((odd, 1)), format="json").json()
    assert body["installments_amount"] == "449.50"
