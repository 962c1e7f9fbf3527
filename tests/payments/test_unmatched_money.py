"""The unmatched-money desk: staff assign money no order could take to the order it was meant
for, through the admin action and the same crediting path; refused with the reason otherwise."""
import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connections
from django.test import Client
from rest_framework.test import APIClient

from mookh.core.errors import DomainError
from orders.models import Order
from payments.models import Payment, UnmatchedPayment
from payments.services import unmatched_payment_assign
from tests.factories import UserFactory
from tests.orders.conftest import Catalog, catalog  # noqa: F401 (the catalog fixture)
from tests.payments.paybill import ACK, CONFIRMATION_URL, c2b_body, order_placed, post

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/payments/unmatchedpayment/"


@pytest.fixture
def order(api, catalog):
    return order_placed(api, (catalog.vvip, 2))  # KES 9,000


@pytest.fixture
def unmatched(api):
    """KES 9,000 paid to the paybill with a mistyped account number."""
    assert post(api, CONFIRMATION_URL, c2b_body("AB 12C", amount="9000", trans_id="TYPO000001")).json() == ACK
    return UnmatchedPayment.objects.get()


def _assign(client, unmatched, order_number=None):
    data = {"action": "assign_to_order", "_selected_action": [str(unmatched.pk)]}
    if order_number is not None:
        data.update(apply="1", order_number=order_number)
    return client.post(CHANGELIST, data, follow=order_number is not None)


def test_unknown_account_then_assigned_by_staff_pays_the_order(admin_client, admin_user, order, unmatched):
    form = _assign(admin_client, unmatched)
    assert form.status_code == 200 and 'name="order_number"' in form.content.decode()
    assert "TYPO000001" in form.content.decode()
    unmatched.refresh_from_db()
    assert unmatched.status == "OPEN"  # asking for the order number changes nothing

    done = _assign(admin_client, unmatched, order_number=f" {order.order_number.lower()} ")
    assert done.status_code == 200 and "credited to order" in done.content.decode()
    unmatched.refresh_from_db()
    order.refresh_from_db()
    assert order.status == "PAID" and order.payment_reference == "TYPO000001" and order.issued_tickets.count() == 2
    payment = Payment.objects.get(order=order)
    assert (payment.provider, payment.reference, payment.amount, payment.received_by) == (
        "mpesa", "TYPO000001", Decimal("9000.00"), admin_user)
    assert unmatched.status == "ASSIGNED" and unmatched.order == order and unmatched.payment == payment
    assert unmatched.resolved_by == admin_user and unmatched.resolved_at is not None


def test_confirmation_replayed_after_assignment_credits_nothing_more(api, admin_user, order, unmatched):
    unmatched_payment_assign(unmatched_id=unmatched.pk, order_number=order.order_number, by_user=admin_user)
    again = post(api, CONFIRMATION_URL, c2b_body("AB 12C", amount="9000", trans_id="TYPO000001"))
    assert again.json() == ACK
    assert Payment.objects.count() == 1 and UnmatchedPayment.objects.count() == 1


def test_assign_refused_for_a_closed_order_writes_nothing(admin_client, api, order, unmatched):
    from orders.services import order_cancel

    order_cancel(order_id=order.pk)
    response = _assign(admin_client, unmatched, order_number=order.order_number)
    assert "CANCELLED" in response.content.decode() and "Not assigned" in response.content.decode()
    unmatched.refresh_from_db()
    order.refresh_from_db()
    assert unmatched.status == "OPEN" and unmatched.order is None and unmatched.resolved_at is None
    assert order.status == "CANCELLED" and not Payment.objects.exists()


@pytest.mark.parametrize("amount, expected", [("9001", "more than"), ("100", None)])
def test_assign_checks_the_balance(admin_user, api, order, amount, expected):
    post(api, CONFIRMATION_URL, c2b_body("X", amount=amount, trans_id="BAL0000001"))
    unmatched = UnmatchedPayment.objects.get()
    if expected:
        with pytest.raises(DomainError) as refused:
            unmatched_payment_assign(unmatched_id=unmatched.pk, order_number=order.order_number, by_user=admin_user)
        assert refused.value.code == "not_payable" and expected in refused.value.message
        assert not Payment.objects.exists()
    else:
        unmatched_payment_assign(unmatched_id=unmatched.pk, order_number=order.order_number, by_user=admin_user)
        order.refresh_from_db()
        assert order.status == "PARTIALLY_PAID" and order.order_balance == Decimal("8900.00")


def test_assign_refused_for_an_order_in_another_currency(admin_user, api, order, unmatched):
    Order.objects.filter(pk=order.pk).update(currency="UGX")
    with pytest.raises(DomainError) as refused:
        unmatched_payment_assign(unmatched_id=unmatched.pk, order_number=order.order_number, by_user=admin_user)
    assert refused.value.code == "not_payable" and "UGX" in refused.value.message
    unmatched.refresh_from_db()
    assert unmatched.status == "OPEN" and not Payment.objects.exists()


def test_assign_refused_for_an_unknown_order_or_money_already_assigned(admin_user, order, unmatched):
    with pytest.raises(DomainError) as unknown:
        unmatched_payment_assign(unmatched_id=unmatched.pk, order_number="ZZZZZZ", by_user=admin_user)
    assert unknown.value.code == "not_found"
    unmatched_payment_assign(unmatched_id=unmatched.pk, order_number=order.order_number, by_user=admin_user)
    with pytest.raises(DomainError) as twice:
        unmatched_payment_assign(unmatched_id=unmatched.pk, order_number=order.order_number, by_user=admin_user)
    assert twice.value.code == "unmatched_resolved"
    assert Payment.objects.count() == 1


def test_admin_lists_searches_and_filters_unmatched_money_read_only(admin_client, api, unmatched):
    post(api, CONFIRMATION_URL, c2b_body("OTHERREF", amount="50", trans_id="OTHER00001"))
    listing = admin_client.get(CHANGELIST)
    assert listing.status_code == 200 and "Unmatched money" in listing.content.decode()
    by_receipt = admin_client.get(CHANGELIST, {"q": "TYPO000001"}).content.decode()
    assert "TYPO000001" in by_receipt and "OTHER00001" not in by_receipt
    by_reference = admin_client.get(CHANGELIST, {"q": "otherref"}).content.decode()
    assert "OTHER00001" in by_reference and "TYPO000001" not in by_reference
    assert "TYPO000001" not in admin_client.get(CHANGELIST, {"status__exact": "ASSIGNED"}).content.decode()
    assert "TYPO000001" in admin_client.get(CHANGELIST, {"status__exact": "OPEN"}).content.decode()
    assert admin_client.get(f"{CHANGELIST}{unmatched.pk}/change/").status_code == 200
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.post(f"{CHANGELIST}{unmatched.pk}/change/", {"status": "ASSIGNED"}).status_code == 403
    assert admin_client.post(f"{CHANGELIST}{unmatched.pk}/delete/", {"post": "yes"}).status_code == 403


def test_assign_action_needs_its_own_permission(api, order, unmatched):
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_unmatchedpayment"))
    client = Client()
    client.force_login(clerk)
    assert client.get(CHANGELIST).status_code == 200
    assert "assign_to_order" not in client.get(CHANGELIST).content.decode()
    _assign(client, unmatched, order_number=order.order_number)
    unmatched.refresh_from_db()
    assert unmatched.status == "OPEN" and not Payment.objects.exists()
    clerk.user_permissions.add(Permission.objects.get(codename="assign_unmatchedpayment"))
    assert "assign_to_order" in client.get(CHANGELIST).content.decode()


@pytest.mark.django_db(transaction=True)
def test_concurrent_assignments_by_two_staff_one_wins():
    catalog = Catalog()
    first, second = (order_placed(APIClient(), (catalog.vvip, 2)) for _ in range(2))
    post(APIClient(), CONFIRMATION_URL, c2b_body("NOPE", amount="9000", trans_id="RACE000001"))
    unmatched = UnmatchedPayment.objects.get()
    staff = [UserFactory(is_staff=True), UserFactory(is_staff=True)]
    barrier = threading.Barrier(2)
    results = {}

    def assign(index, order):
        try:
            barrier.wait()
            results[index] = unmatched_payment_assign(unmatched_id=unmatched.pk, order_number=order.order_number,
                                                      by_user=staff[index]).order.order_number
        except DomainError as exc:
            results[index] = exc.code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=assign, args=(index, order)) for index, order in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values(), key=len) in (
        [first.order_number, "unmatched_resolved"], [second.order_number, "unmatched_resolved"])
    assert Payment.objects.filter(reference="RACE000001").count() == 1
    statuses = set(Order.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True))
    assert statuses == {"PAID", "PENDING"}
    unmatched.refresh_from_db()
    assert unmatched.status == "ASSIGNED" and unmatched.order.order_number in results.values()
