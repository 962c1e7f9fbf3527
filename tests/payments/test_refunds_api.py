"""Refunds through the API, executed by the provider that took the money (its sandbox records the
call): partial then full for every provider, the amounts refused, a refusal that leaves the order
as it was, and M-Pesa's result arriving later at its callback URL."""
import json
from decimal import Decimal

import pytest

from orders.models import Order
from payments.models import Payment, ProviderCallback, Refund
from payments.providers import cybersource_rest, mpesa_reversal
from payments.providers.base import RefundRequest
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.payments.refund_fixtures import recorded, sent, shop, uganda_ticket  # noqa: F401 (fixtures)
from tests.orders.conftest import catalog  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
TOKEN = "sandbox-callback-token"
RESULT_URL = f"/payments/callbacks/mpesa/reversal/{TOKEN}/result/"


def _tickets(order: Order) -> set[str]:
    return set(order.issued_tickets.values_list("status", flat=True))


def _newest_payment(order: Order) -> Payment:
    return Payment.objects.filter(order=order).order_by("-created").first()


# --- partial, then the rest: every provider ---------------------------------------------------------

def test_mpesa_partial_then_full_refund_reverses_each_whole_payment_newest_first(shop):
    order = shop.paid("MPESA", installments=2)
    first, second = Payment.objects.filter(order=order).order_by("created")
    partial = shop.refund(order, "4500.00")
    assert partial.status_code == 200, partial.json()
    assert partial.json()["order_status"] == "PAID" and _tickets(order) == {"VALID"}
    [refund] = partial.json()["refunds"]
    assert (refund["status"], refund["provider"], refund["amount"], refund["currency"]) == ("DONE", "mpesa",
                                                                                           "4500.00", "KES")
    assert refund["provider_reference"].startswith("AG_") and refund["receipt"]
    [reversal] = sent("/mpesa/reversal/v1/request")
    assert (reversal["body"]["TransactionID"], reversal["body"]["Amount"]) == (second.reference, 4500)

    rest = shop.refund(order)
    assert rest.status_code == 200, rest.json()
    assert rest.json()["order_status"] == "REFUNDED" and _tickets(order) == {"VOID"}
    assert [r["body"]["TransactionID"] for r in sent("/mpesa/reversal/v1/request")] == [second.reference,
                                                                                       first.reference]
    assert sorted(r["amount"] for r in rest.json()["refunds"]) == ["4500.00", "4500.00"]
    assert {r["status"] for r in rest.json()["refunds"]} == {"DONE"}


def test_mpesa_refund_of_part_of_a_payment_is_refused_with_the_amounts_that_can_go_back(shop):
    order = shop.paid("MPESA", installments=2)
    response = shop.refund(order, "5000.00")
    assert response.status_code == 409 and response.json()["code"] == "whole_payments_only"
    assert response.json()["amounts"] == ["4500.00", "9000.00"] and "M-Pesa" in response.json()["detail"]
    assert not Refund.objects.exists() and sent("/mpesa/reversal/v1/request") == []


@pytest.mark.parametrize("method, currency", [("AIRTEL", "KES"), ("AIRTELUG", "UGX")])
def test_airtel_partial_then_full_refund_returns_each_collection(shop, method, currency):
    order = shop.paid(method, installments=2)
    newest = _newest_payment(order)
    half = order.order_amount / 2
    partial = shop.refund(order, half)
    assert partial.status_code == 200 and partial.json()["order_status"] == "PAID", partial.json()
    [refund] = sent("/standard/v1/payments/refund")
    assert refund["body"] == {"transaction": {"airtel_money_id": newest.reference}}
    assert refund["headers"]["x-currency"] == currency
    full = shop.refund(order)
    assert full.status_code == 200 and full.json()["order_status"] == "REFUNDED"
    assert len(sent("/standard/v1/payments/refund")) == 2 and _tickets(order) == {"VOID"}


def test_mtn_partial_then_full_refund_through_the_disbursement_product(shop):
    order = shop.paid("MTNUG")  # 100000 UGX in one payment
    partial = shop.refund(order, "30000")
    assert partial.status_code == 200 and partial.json()["order_status"] == "PAID", partial.json()
    [first] = sent("/disbursement/v1_0/refund")
    assert first["body"]["amount"] == "30000" and first["body"]["currency"] == "UGX"
    assert first["body"]["referenceIdToRefund"] == order.payment_attempts.get().provider_reference
    full = shop.refund(order)
    assert full.status_code == 200 and full.json()["order_status"] == "REFUNDED", full.json()
    assert [r["body"]["amount"] for r in sent("/disbursement/v1_0/refund")] == ["30000", "70000"]
    assert {r["receipt"] is not None for r in full.json()["refunds"]} == {True}


def test_card_partial_then_full_refund_through_cybersource_rest(shop):
    order = shop.paid_by_card()
    payment = Payment.objects.get(order=order)
    partial = shop.refund(order, "1000.50")
    assert partial.status_code == 200 and partial.json()["order_status"] == "PAID", partial.json()
    full = shop.refund(order)
    assert full.status_code == 200 and full.json()["order_status"] == "REFUNDED"
    calls = sent(f"/pts/v2/payments/{payment.reference}/refunds")
    assert [c["body"]["orderInformation"]["amountDetails"]["totalAmount"] for c in calls] == ["1000.50", "7999.50"]
    assert all(c["headers"]["signature"].startswith('keyid="') for c in calls)


def test_cash_refund_is_owed_by_staff_and_marked_returned_in_the_admin(shop, admin_client):
    order = shop.paid_in_cash()
    partial = shop.refund(order, "1000.00")
    assert partial.status_code == 200 and partial.json()["order_status"] == "PAID"
    full = shop.refund(order)
    assert full.status_code == 200 and full.json()["order_status"] == "REFUNDED"
    assert {(r["provider"], r["status"]) for r in full.json()["refunds"]} == {("cash", "PENDING")}
    assert http_calls_none()
    refunds = list(Refund.objects.filter(order=order))
    admin_client.post("/admin/payments/refund/", {"action": "mark_returned_by_hand",
                                                  "_selected_action": [r.pk for r in refunds]})
    assert set(Refund.objects.filter(order=order).values_list("status", flat=True)) == {"DONE"}
    assert all(r.receipt.startswith("returned by") for r in Refund.objects.filter(order=order))


def http_calls_none() -> bool:
    return sent("", "POST") == [] and sent("", "GET") == []


# --- what is refused ---------------------------------------------------------------------------------

def test_amount_above_what_was_paid_and_not_refunded_is_400_and_says_the_most(shop):
    order = shop.paid("MTNUG")
    above = shop.refund(order, "100001")
    assert above.status_code == 400 and "At most 100000.00 UGX" in above.json()["amount"][0]
    assert shop.refund(order, "40000").status_code == 200
    again = shop.refund(order, "60001")
    assert again.status_code == 400 and "At most 60000.00 UGX" in again.json()["amount"][0]


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "NaN", "1.001"])
def test_amount_not_above_zero_or_not_a_number_is_400(shop, amount):
    order = shop.paid("MTNUG")
    response = shop.refund(order, amount)
    assert response.status_code == 400 and "amount" in response.json()
    assert not Refund.objects.exists()


def test_unpaid_order_is_409_and_a_partly_paid_one_asks_to_be_cancelled(shop):
    unpaid = shop.place("MPESA")
    response = shop.refund(unpaid)
    assert response.status_code == 409 and response.json()["code"] == "not_paid"
    partly = shop.place("MPESA", installments=2)
    shop.pay(partly)
    response = shop.refund(partly)
    assert response.status_code == 409 and response.json()["code"] == "order_open"
    assert not Refund.objects.exists()


def test_refunded_order_has_nothing_left_to_refund(shop):
    order = shop.paid("MTNUG")
    assert shop.refund(order).status_code == 200
    again = shop.refund(order)
    assert again.status_code == 409 and again.json()["code"] == "nothing_to_refund"


def test_only_who_manages_the_order_may_refund_it(shop, api):
    order = shop.paid("MTNUG")
    assert api.post(f"/stores/orders/{order.pk}/refund/").status_code == 401
    for user in (UserFactory(roles=["store_owner"]), shop.catalog.agent):
        assert client_for(user).post(f"/stores/orders/{order.pk}/refund/").status_code == 404
    assert not Refund.objects.exists()


# --- the provider refuses ----------------------------------------------------------------------------

def test_provider_refusal_leaves_the_order_as_it_was_and_says_why(shop):
    order = shop.paid("MPESA")
    payment = Payment.objects.get(order=order)
    # The receipt was reversed on the M-Pesa portal, outside this API.
    mpesa_reversal.reverse(mpesa_reversal.reversal_config_from_settings(), RefundRequest(
        reference="portal", payment_reference=payment.reference, payment_amount=payment.amount,
        amount=payment.amount, currency="KES", order_number=order.order_number,
        result_url="https://example.com/r", timeout_url="https://example.com/t"))
    before = Order.objects.values().get(pk=order.pk)
    response = shop.refund(order)
    assert response.status_code == 409 and response.json()["code"] == "refund_refused"
    assert "already been reversed" in response.json()["detail"]
    assert response.json()["refunded"] == "0.00" and response.json()["refused"][0]["provider"] == "mpesa"
    assert Order.objects.values().get(pk=order.pk) == before and _tickets(order) == {"VALID"}
    refund = Refund.objects.get(order=order)
    assert refund.status == "FAILED" and "R000001" in refund.failure_reason
    shown = shop.api.get(f"/stores/orders/{order.pk}/").json()
    assert shown["order_status"] == "PAID" and shown["refunds"][0]["failure_reason"] == refund.failure_reason


def test_refusal_of_a_card_refund_above_what_the_gateway_captured_is_409(shop):
    order = shop.paid_by_card()
    payment = Payment.objects.get(order=order)
    # 10.00 of the same sale refunded in the Business Center, outside this API.
    cybersource_rest.refund(cybersource_rest.rest_config_from_settings(), RefundRequest(
        reference="x", payment_reference=payment.reference, payment_amount=payment.amount, amount=Decimal("10.00"),
        currency="KES", order_number=order.order_number))
    response = shop.refund(order)
    assert response.status_code == 409 and "INVALID_AMOUNT" in response.json()["detail"]
    order.refresh_from_db()
    assert order.status == "PAID" and _tickets(order) == {"VALID"}


# --- M-Pesa's result, posted later -------------------------------------------------------------------

@pytest.fixture
def later(settings):
    """The sandbox leaves M-Pesa's reversal result for the test to post, as Daraja would."""
    settings.PAYMENTS_SANDBOX_REFUND_RESULTS = False


def _result(conversation: str, *, code=0, receipt="MJ561H6X5O") -> bytes:
    """Daraja's reversal Result (written here from its documentation)."""
    result = {"ResultType": 0, "ResultCode": code, "OriginatorConversationID": "8521-4298025-1",
              "ConversationID": conversation, "TransactionID": receipt,
              "ResultDesc": "The service request is processed successfully." if code == 0
              else "The transaction has already been reversed."}
    if code == 0:
        result["ResultParameters"] = {"ResultParameter": [{"Key": "Amount", "Value": "9000.00"}]}
    return json.dumps({"Result": result}).encode()


def _post(api, url, body: bytes):
    return api.post(url, data=body, content_type="application/json")


def test_mpesa_refund_waits_for_the_result_then_completes_once(shop, later):
    order = shop.paid("MPESA")
    waiting = shop.refund(order)
    assert waiting.status_code == 202 and waiting.json()["order_status"] == "PAID"
    [refund] = waiting.json()["refunds"]
    assert refund["status"] == "PENDING" and refund["provider_reference"].startswith("AG_")
    [reversal] = sent("/mpesa/reversal/v1/request")
    assert reversal["body"]["ResultURL"].endswith(RESULT_URL)
    assert reversal["body"]["QueueTimeOutURL"].endswith(f"/payments/callbacks/mpesa/reversal/{TOKEN}/timeout/")
    assert shop.refund(order).status_code == 409  # the money is already on its way back

    answer = _post(shop.api, RESULT_URL, _result(refund["provider_reference"]))
    assert answer.status_code == 200 and answer.json() == {"ResultCode": 0, "ResultDesc": "Accepted"}
    order.refresh_from_db()
    assert order.status == "REFUNDED" and _tickets(order) == {"VOID"}
    assert Refund.objects.get().receipt == "MJ561H6X5O"
    replay = _post(shop.api, RESULT_URL, _result(refund["provider_reference"], code="R000001"))
    assert replay.status_code == 200 and Refund.objects.get().status == "DONE"
    callbacks = list(ProviderCallback.objects.exclude(outcome="credited").order_by("created"))
    assert [c.outcome for c in callbacks] == ["refunded", "duplicate"]
    assert all(c.refund_id == Refund.objects.get().pk for c in callbacks)


def test_mpesa_failure_result_or_queue_timeout_leaves_the_order_paid(shop, later):
    order = shop.paid("MPESA")
    conversation = shop.refund(order).json()["refunds"][0]["provider_reference"]
    response = _post(shop.api, RESULT_URL, _result(conversation, code="R000001"))
    assert response.status_code == 200
    order.refresh_from_db()
    refund = Refund.objects.get()
    assert order.status == "PAID" and refund.status == "FAILED" and "already been reversed" in refund.failure_reason
    other = shop.paid("MPESA", quantity=1)
    conversation = shop.refund(other).json()["refunds"][0]["provider_reference"]
    timeout = _post(shop.api, f"/payments/callbacks/mpesa/reversal/{TOKEN}/timeout/", _result(conversation, code=1))
    assert timeout.status_code == 200
    assert Refund.objects.get(order=other).status == "FAILED" and "timed out" in Refund.objects.get(
        order=other).failure_reason


def test_mpesa_results_refused_and_recorded_when_token_wrong_body_unreadable_or_unknown(shop, later):
    order = shop.paid("MPESA")
    conversation = shop.refund(order).json()["refunds"][0]["provider_reference"]
    assert _post(shop.api, "/payments/callbacks/mpesa/reversal/guess/result/", _result(conversation)).status_code == 401
    assert _post(shop.api, RESULT_URL, b'{"Result": {}}').status_code == 400
    assert _post(shop.api, RESULT_URL, _result("AG_unknown")).status_code == 200
    assert sorted(ProviderCallback.objects.exclude(outcome="credited").values_list("outcome", flat=True)) == [
        "invalid", "unauthenticated", "unknown_reference"]
    assert Refund.objects.get().status == "PENDING"
    order.refresh_from_db()
    assert order.status == "PAID"


def test_mpesa_result_that_outran_the_acknowledgement_is_applied_once_the_refund_is_recorded(shop, later):
    from payments.services.refund_callbacks import refund_early_results_apply

    order = shop.paid("MPESA")
    conversation = shop.refund(order).json()["refunds"][0]["provider_reference"]
    refund = Refund.objects.get()
    Refund.objects.filter(pk=refund.pk).update(sent_at=None)  # as between Daraja's answer and our record of it
    early = _post(shop.api, RESULT_URL, _result(conversation))
    assert early.status_code == 200 and ProviderCallback.objects.get(refund__isnull=True,
                                                                     outcome="unknown_reference")
    Refund.objects.filter(pk=refund.pk).update(sent_at=refund.sent_at)
    refund_early_results_apply(Refund.objects.get())
    order.refresh_from_db()
    assert Refund.objects.get().status == "DONE" and order.status == "REFUNDED"
    assert ProviderCallback.objects.get(refund=refund).outcome == "refunded"
