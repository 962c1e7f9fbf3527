"""Unmatched money sent back to the payer from admin: an M-Pesa reversal of the TransID, whole,
through the refund sending path; REFUNDED when Daraja's Result says so, OPEN with the reason when
it refuses; never assigned while the refund is under way; one refund however many staff ask."""
import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, connections, transaction
from django.test import Client
from rest_framework.test import APIClient

from mookh.core.errors import DomainError
from payments.models import Payment, ProviderCallback, Refund, UnmatchedPayment
from payments.providers import mpesa_reversal
from payments.providers.base import RefundRequest
from payments.services import unmatched_payment_refund
from tests.factories import UserFactory
from tests.orders.conftest import catalog  # noqa: F401 (the catalog fixture)
from tests.payments.paybill import ACK, CONFIRMATION_URL, TOKEN, c2b_body, order_placed, post
from tests.payments.refund_fixtures import recorded, sent  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/payments/unmatchedpayment/"
REFUNDS = "/admin/payments/refund/"
REVERSAL = "/mpesa/reversal/v1/request"
RESULT_URL = f"/payments/callbacks/mpesa/reversal/{TOKEN}/result/"


@pytest.fixture
def unmatched(api):
    """KES 9,000 paid to the paybill with a mistyped account number."""
    assert post(api, CONFIRMATION_URL, c2b_body("AB 12C", amount="9000", trans_id="TYPO000001")).json() == ACK
    return UnmatchedPayment.objects.get()


@pytest.fixture
def later(settings):
    """The sandbox leaves Daraja's reversal Result for the test to post."""
    settings.PAYMENTS_SANDBOX_REFUND_RESULTS = False


def _refund(client, unmatched):
    return client.post(CHANGELIST, {"action": "refund_to_payer", "_selected_action": [str(unmatched.pk)]},
                       follow=True)


def _assign(client, unmatched, order_number):
    return client.post(CHANGELIST, {"action": "assign_to_order", "_selected_action": [str(unmatched.pk)],
                                    "apply": "1", "order_number": order_number}, follow=True)


def _reversed_before(receipt: str, amount: Decimal) -> None:
    """The payment was reversed once already (on Daraja's portal, say): the sandbox remembers it."""
    config = mpesa_reversal.reversal_config_from_settings()
    mpesa_reversal.reverse(config, RefundRequest(
        reference="portal", payment_reference=receipt, payment_amount=amount, amount=amount, currency="KES",
        order_number="", result_url="https://example.com/r", timeout_url="https://example.com/t"))


def test_refund_to_the_payer_reverses_the_transid_and_resolves_the_money(admin_client, admin_user, unmatched):
    response = _refund(admin_client, unmatched)
    assert response.status_code == 200 and "KES 9000.00 refunded to the payer" in response.content.decode()
    [reversal] = sent(REVERSAL)
    assert (reversal["body"]["TransactionID"], reversal["body"]["Amount"]) == ("TYPO000001", 9000)
    assert reversal["body"]["CommandID"] == "TransactionReversal"
    assert reversal["body"]["ResultURL"].endswith(RESULT_URL)
    assert "TYPO000001" in reversal["body"]["Remarks"]

    refund = Refund.objects.get()
    assert (refund.status, refund.unmatched, refund.order, refund.amount, refund.provider) == (
        "DONE", unmatched, None, Decimal("9000.00"), "mpesa")
    assert refund.receipt and refund.provider_reference.startswith("AG_") and refund.requested_by == admin_user
    [result] = ProviderCallback.objects.filter(refund=refund)
    assert result.outcome == "refunded"
    unmatched.refresh_from_db()
    assert unmatched.status == "REFUNDED" and unmatched.resolved_by == admin_user and unmatched.resolved_at
    assert unmatched.order is None and not Payment.objects.exists()

    again = _refund(admin_client, unmatched)
    assert "already refunded" in again.content.decode() and len(sent(REVERSAL)) == 1
    refunds = admin_client.get(REFUNDS, {"q": "TYPO000001"}).content.decode()
    assert f"/admin/payments/unmatchedpayment/{unmatched.pk}/change/" in refunds
    assert admin_client.get(f"{REFUNDS}{refund.pk}/change/").status_code == 200
    page = admin_client.get(f"{CHANGELIST}{unmatched.pk}/change/")
    assert page.status_code == 200 and refund.receipt in page.content.decode()


def test_refund_refused_by_the_provider_leaves_the_money_open_with_the_reason(
        admin_client, django_capture_on_commit_callbacks, unmatched):
    _reversed_before("TYPO000001", Decimal("9000"))
    response = _refund(admin_client, unmatched)
    assert "already been reversed" in response.content.decode() and "stays open" in response.content.decode()
    refund = Refund.objects.get()
    assert refund.status == "FAILED" and "already been reversed" in refund.failure_reason
    unmatched.refresh_from_db()
    assert unmatched.status == "OPEN" and unmatched.resolved_at is None
    listing = admin_client.get(CHANGELIST).content.decode()
    assert "FAILED: The transaction has already been reversed." in listing
    assert "already been reversed" in admin_client.get(f"{CHANGELIST}{unmatched.pk}/change/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # the retry action queues the sending
        retried = admin_client.post(REFUNDS, {"action": "retry_failed", "_selected_action": [str(refund.pk)]},
                                    follow=True)
    assert "1 refund(s) sent again" in retried.content.decode()
    assert [r["body"]["TransactionID"] for r in sent(REVERSAL)] == ["TYPO000001"] * 3
    refund.refresh_from_db()
    assert refund.status == "FAILED" and "already been reversed" in refund.failure_reason

    _refund(admin_client, unmatched)  # the refund action again: a new refund, refused the same way
    assert list(Refund.objects.values_list("status", flat=True)) == ["FAILED", "FAILED"]
    unmatched.refresh_from_db()
    assert unmatched.status == "OPEN"


def test_assign_and_second_refund_refused_while_a_refund_is_pending(admin_client, api, catalog, later, unmatched):
    order = order_placed(api, (catalog.vvip, 2))  # KES 9,000 due
    waiting = _refund(admin_client, unmatched)
    assert "sent; the provider answers later" in waiting.content.decode()
    refund = Refund.objects.get()
    assert refund.status == "PENDING" and refund.sent_at is not None

    assigned = _assign(admin_client, unmatched, order.order_number)
    assert "under way" in assigned.content.decode()
    twice = _refund(admin_client, unmatched)
    assert "not refunded" in twice.content.decode() and "under way" in twice.content.decode()
    with pytest.raises(DomainError) as refused:
        unmatched_payment_refund(unmatched_id=unmatched.pk, by_user=None)
    assert refused.value.code == "refund_pending"
    unmatched.refresh_from_db()
    order.refresh_from_db()
    assert unmatched.status == "OPEN" and order.status == "PENDING" and not Payment.objects.exists()
    assert Refund.objects.count() == 1 and len(sent(REVERSAL)) == 1

    result = mpesa_reversal.sandbox_result(refund.provider_reference)
    assert api.post(RESULT_URL, data=result, content_type="application/json").status_code == 200
    unmatched.refresh_from_db()
    assert unmatched.status == "REFUNDED" and Refund.objects.get().status == "DONE"
    assert "already refunded" in _assign(admin_client, unmatched, order.order_number).content.decode()


def test_failed_refund_lets_staff_assign_the_money_after_all(admin_client, api, catalog, unmatched):
    order = order_placed(api, (catalog.vvip, 2))
    _reversed_before("TYPO000001", Decimal("9000"))
    _refund(admin_client, unmatched)
    assert Refund.objects.get().status == "FAILED"
    assert "credited to order" in _assign(admin_client, unmatched, order.order_number).content.decode()
    unmatched.refresh_from_db()
    assert unmatched.status == "ASSIGNED" and unmatched.order == order
    failed = Refund.objects.get()
    retried = admin_client.post(REFUNDS, {"action": "retry_failed", "_selected_action": [str(failed.pk)]},
                                follow=True)
    assert "TYPO000001 9000.00 KES: TYPO000001 is already assigned" in retried.content.decode()
    failed.refresh_from_db()
    assert failed.status == "FAILED" and len(sent(REVERSAL)) == 2


def test_refund_refused_for_assigned_money(admin_client, api, catalog, unmatched):
    order = order_placed(api, (catalog.vvip, 2))
    _assign(admin_client, unmatched, order.order_number)
    response = _refund(admin_client, unmatched)
    assert "TYPO000001: not refunded" in response.content.decode() and "already assigned" in response.content.decode()
    with pytest.raises(DomainError) as refused:
        unmatched_payment_refund(unmatched_id=unmatched.pk, by_user=None)
    assert refused.value.code == "unmatched_resolved"
    assert not Refund.objects.exists() and sent(REVERSAL) == []
    unmatched.refresh_from_db()
    assert unmatched.status == "ASSIGNED"


def test_refund_action_needs_its_own_permission(unmatched):
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_unmatchedpayment",
                                                                         "assign_unmatchedpayment"]))
    client = Client()
    client.force_login(clerk)
    assert "refund_to_payer" not in client.get(CHANGELIST).content.decode()
    _refund(client, unmatched)
    assert not Refund.objects.exists() and sent(REVERSAL) == []
    clerk.user_permissions.add(Permission.objects.get(codename="refund_unmatchedpayment"))
    assert "refund_to_payer" in client.get(CHANGELIST).content.decode()
    _refund(client, unmatched)
    unmatched.refresh_from_db()
    assert unmatched.status == "REFUNDED"


def test_database_keeps_one_live_refund_per_unmatched_payment(later, unmatched):
    unmatched_payment_refund(unmatched_id=unmatched.pk, by_user=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.create(unmatched=unmatched, amount=unmatched.amount, currency="KES", provider="mpesa",
                              reason="a second one")
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.create(amount=unmatched.amount, currency="KES", provider="mpesa", reason="of nothing")


@pytest.mark.django_db(transaction=True)
def test_concurrent_refunds_by_two_staff_make_one_refund():
    post(APIClient(), CONFIRMATION_URL, c2b_body("NOPE", amount="9000", trans_id="RACE000001"))
    unmatched = UnmatchedPayment.objects.get()
    staff = [UserFactory(is_staff=True), UserFactory(is_staff=True)]
    barrier = threading.Barrier(2)
    results = {}

    def refund(index):
        try:
            barrier.wait()
            results[index] = unmatched_payment_refund(unmatched_id=unmatched.pk, by_user=staff[index]).status
        except DomainError as exc:
            results[index] = exc.code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refund, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes = sorted(results.values())
    assert outcomes in (["DONE", "refund_pending"], ["DONE", "unmatched_resolved"]), outcomes
    assert Refund.objects.count() == 1
    assert [r["body"]["TransactionID"] for r in sent(REVERSAL)] == ["RACE000001"]
    unmatched.refresh_from_db()
    assert unmatched.status == "REFUNDED" and unmatched.resolved_by in staff
