"""Cards through the API: the signed Secure Acceptance form a CARD order answers with, and the signed
receipt (browser receipt page and Merchant POST URL) credited once. Signatures are computed here
independently of the adapter (payments.md §2.3)."""
import base64
import hashlib
import hmac
import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core import checks

from orders.models import Order
from payments.checks import LIVE_REQUIRED
from payments.models import Payment, PaymentAttempt, ProviderCallback
from tests.orders.conftest import catalog, order_body  # noqa: F401 (the catalog fixture)

pytestmark = pytest.mark.django_db
PROFILE_ID = "0FFEAFFB-8171-4F34-A22D-1CD38A28A384"
ACCESS_KEY = "0123456789abcdef0123456789abcdef"
SECRET = "test_secret_key_do_not_use_0123456789abcdef"
BASE = "https://api.example.com"
CALLBACK = "/payments/callbacks/cybersource/"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(autouse=True)
def _profile(settings):
    settings.CYBERSOURCE_PROFILE_ID, settings.CYBERSOURCE_ACCESS_KEY = PROFILE_ID, ACCESS_KEY
    settings.CYBERSOURCE_SECRET_KEY, settings.PUBLIC_BASE_URL = SECRET, BASE


def _signature(fields: dict, secret: str = SECRET) -> str:
    names = fields["signed_field_names"].split(",")
    message = ",".join(f"{name}={fields.get(name, '')}" for name in names)
    return base64.b64encode(hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()).decode()


def _card_order(api, *lines, **fields) -> tuple[Order, dict]:
    response = api.post("/stores/orders/", order_body(*lines, **{"payment_method": "CARD", **fields}), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    return Order.objects.get(order_number=body["order_number"]), body


def _receipt(payload: dict, *, decision="ACCEPT", reason_code="100", transaction_id="7371234567890123456789",
             secret=SECRET, **overrides) -> dict:
    """What the gateway posts back for `payload` (a checkout form), signed as payments.md §2.5 says."""
    fields = {"transaction_id": transaction_id, "decision": decision, "reason_code": reason_code,
              "message": "Request was processed successfully." if decision == "ACCEPT" else "Declined.",
              "req_transaction_uuid": payload["transaction_uuid"], "req_reference_number": payload["reference_number"],
              "req_amount": payload["amount"], "req_currency": payload["currency"],
              "req_access_key": payload["access_key"], "req_profile_id": payload["profile_id"],
              "req_card_number": "xxxxxxxxxxxx1111", "signed_date_time": "2030-01-15T09:31:12Z"}
    if decision == "ACCEPT":
        fields.update(auth_amount=payload["amount"], auth_code="831000")
    fields.update(overrides)
    fields["signed_field_names"] = ",".join([*fields, "signed_field_names"])
    fields["signature"] = _signature(fields, secret)
    return fields


def _post_form(api, url, fields):
    return api.post(url, data=urlencode(fields), content_type=FORM)


def test_card_order_answers_a_form_signed_over_its_signed_field_names(api, catalog):
    order, body = _card_order(api, (catalog.vvip, 2))
    pay = body["pay_response"]
    assert pay["status"] is True and pay["url"] == f"{BASE}/payments/sandbox/cybersource/pay/"
    payload = pay["payload"]
    assert payload["signature"] == _signature(payload)
    assert set(payload["signed_field_names"].split(",")) == set(payload) - {"signature"}
    assert payload["profile_id"] == PROFILE_ID and payload["access_key"] == ACCESS_KEY
    assert (payload["reference_number"], payload["amount"], payload["currency"], payload["transaction_type"]) == (
        order.order_number, "9000.00", "KES", "sale")
    assert payload["override_custom_receipt_page"] == f"{BASE}/payments/links/{order.pk}/receipt/"
    assert (payload["bill_to_forename"], payload["bill_to_surname"], payload["bill_to_email"]) == (
        "Jane", "Doe", "jane@doe.com")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", payload["signed_date_time"])
    attempt = PaymentAttempt.objects.get(order=order)
    assert (attempt.provider, attempt.method, attempt.status, attempt.amount, attempt.provider_reference) == (
        "cybersource", "CARD", "PENDING", Decimal("9000.00"), payload["transaction_uuid"])


def test_card_form_asks_for_the_first_installment_when_the_order_has_installments(api, catalog):
    _, body = _card_order(api, (catalog.vvip, 2), payment_installments=3)
    assert body["pay_response"]["payload"]["amount"] == "3000.00"


def test_mobile_order_outside_kenya_and_uganda_answers_the_card_form(api, catalog):
    customer = {"name": "Asha Mwinyi", "email": "asha@example.com", "phone_number": "+255712345678"}
    response = api.post("/stores/orders/", order_body((catalog.regular, 1), customer=customer), format="json")
    body = response.json()
    assert body["pay_response"]["status"] is True and body["pay_response"]["payload"]["amount"] == "1000.00"
    assert PaymentAttempt.objects.get().provider == "cybersource"


def test_accepted_receipt_credits_once_when_posted_to_both_endpoints(api, catalog):
    order, body = _card_order(api, (catalog.vvip, 2))
    receipt = _receipt(body["pay_response"]["payload"])
    server = _post_form(api, CALLBACK, receipt)
    browser = _post_form(api, f"/payments/links/{order.pk}/receipt/", receipt)
    assert server.status_code == 200 and server.json() == {"detail": "Accepted"}
    assert browser.status_code == 200 and "Payment received" in browser.content.decode()
    assert f'href="/payments/links/{order.pk}/"' in browser.content.decode()
    order.refresh_from_db()
    assert order.status == "PAID" and order.payment_reference == receipt["transaction_id"]
    assert Payment.objects.filter(order=order).count() == 1 and order.issued_tickets.count() == 2
    assert list(ProviderCallback.objects.order_by("created").values_list("outcome", flat=True)) == [
        "credited", "duplicate"]


@pytest.mark.parametrize("decision,attempt_status,shown", [
    ("DECLINE", "FAILED", "Card payment declined"), ("CANCEL", "CANCELLED", "Card payment cancelled")])
def test_declined_or_cancelled_receipt_leaves_the_order_pending(api, catalog, decision, attempt_status, shown):
    order, body = _card_order(api, (catalog.vvip, 1))
    response = _post_form(api, f"/payments/links/{order.pk}/receipt/",
                          _receipt(body["pay_response"]["payload"], decision=decision, reason_code="203"))
    assert response.status_code == 200 and shown in response.content.decode()
    order.refresh_from_db()
    assert order.status == "PENDING" and not Payment.objects.exists()
    assert PaymentAttempt.objects.get().status == attempt_status


def test_receipt_with_a_tampered_amount_is_refused_and_recorded(api, catalog):
    order, body = _card_order(api, (catalog.vvip, 2))
    receipt = _receipt(body["pay_response"]["payload"])
    tampered = {**receipt, "req_amount": "1.00", "auth_amount": "1.00"}
    assert _post_form(api, CALLBACK, tampered).status_code == 401
    assert _post_form(api, f"/payments/links/{order.pk}/receipt/", tampered).status_code == 401
    assert _post_form(api, CALLBACK, _receipt(body["pay_response"]["payload"], secret="guessed")).status_code == 401
    assert list(ProviderCallback.objects.values_list("outcome", flat=True)) == ["unauthenticated"] * 3
    order.refresh_from_db()
    assert order.status == "PENDING" and not Payment.objects.exists()


def test_unreadable_and_unknown_receipts_are_answered_and_recorded(api, catalog):
    _, body = _card_order(api, (catalog.vvip, 1))
    payload = body["pay_response"]["payload"]
    unsigned_uuid = {name: value for name, value in _receipt(payload).items()
                     if name not in ("signed_field_names", "signature")}
    unsigned_uuid.pop("req_transaction_uuid")
    unsigned_uuid["signed_field_names"] = ",".join([*unsigned_uuid, "signed_field_names"])
    unsigned_uuid["signature"] = _signature(unsigned_uuid)
    assert _post_form(api, CALLBACK, unsigned_uuid).status_code == 400
    assert api.post(CALLBACK, data=b"\xff\xfe", content_type=FORM).status_code == 400
    unknown = _receipt({**payload, "transaction_uuid": "f" * 32})
    assert _post_form(api, CALLBACK, unknown).status_code == 200
    assert sorted(ProviderCallback.objects.values_list("outcome", flat=True)) == [
        "invalid", "invalid", "unknown_reference"]
    assert not Payment.objects.exists()


def test_sandbox_gateway_pays_through_both_receipt_channels(api, catalog):
    order, body = _card_order(api, (catalog.vvip, 1))
    gateway = "/payments/sandbox/cybersource/pay/"
    card_page = _post_form(api, gateway, body["pay_response"]["payload"])
    assert card_page.status_code == 200 and 'name="sandbox_card"' in card_page.content.decode()
    answer = _post_form(api, gateway, {**body["pay_response"]["payload"], "sandbox_action": "pay",
                                       "sandbox_card": "4111 1111 1111 1111"})
    html = answer.content.decode()
    assert answer.status_code == 200 and f'action="{BASE}/payments/links/{order.pk}/receipt/"' in html
    assert f"form-action 'self' {BASE}" in answer["Content-Security-Policy"]
    order.refresh_from_db()
    assert order.status == "PAID"  # the Merchant POST URL's delivery, server to server
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    assert fields["decision"] == "ACCEPT" and fields["signature"] == _signature(fields)
    browser = _post_form(api, f"/payments/links/{order.pk}/receipt/", fields)
    assert browser.status_code == 200 and "Payment received" in browser.content.decode()
    assert Payment.objects.filter(order=order).count() == 1
    assert list(ProviderCallback.objects.order_by("created").values_list("outcome", flat=True)) == [
        "credited", "duplicate"]


def test_sandbox_gateway_declines_the_declined_test_card_and_refuses_a_replayed_form(api, catalog):
    order, body = _card_order(api, (catalog.vvip, 1))
    payload = body["pay_response"]["payload"]
    _post_form(api, "/payments/sandbox/cybersource/pay/", {**payload, "sandbox_action": "pay",
                                                          "sandbox_card": "4000000000000002"})
    assert PaymentAttempt.objects.get().status == "FAILED"
    replay = _post_form(api, "/payments/sandbox/cybersource/pay/", {**payload, "sandbox_action": "pay",
                                                                   "sandbox_card": "4111111111111111"})
    assert "ERROR" in replay.content.decode()
    order.refresh_from_db()
    assert order.status == "PENDING" and not Payment.objects.exists()


def test_sandbox_gateway_is_not_found_in_live_mode(api, catalog, settings):
    settings.PAYMENTS_MODE = "live"
    assert _post_form(api, "/payments/sandbox/cybersource/pay/", {"amount": "1.00"}).status_code == 404


def test_card_button_hands_the_buyer_to_the_live_gateway_with_a_policy_that_allows_it(api, catalog, settings):
    settings.PAYMENTS_MODE = "live"
    settings.CYBERSOURCE_PAY_URL = "https://secureacceptance.cybersource.com/pay"
    response = api.post("/stores/orders/", order_body((catalog.vvip, 1), response_type="html", is_pay_later=True),
                        format="json")
    order = Order.objects.get(order_number=response.json()["order_number"])
    page = _post_form(api, f"/payments/links/{order.pk}/card/", {})
    html = page.content.decode()
    assert page.status_code == 200 and 'action="https://secureacceptance.cybersource.com/pay"' in html
    assert "data-autopost" in html and 'type="submit"' in html  # posted by script, or by its button
    policy = page["Content-Security-Policy"]
    assert "form-action 'self' https://secureacceptance.cybersource.com" in policy and "script-src 'self'" in policy
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    assert fields["signature"] == _signature(fields) and fields["amount"] == "4500.00"
    assert PaymentAttempt.objects.get().provider_reference == fields["transaction_uuid"]


def test_card_endpoint_answers_json_clients_and_refuses_a_paid_order(api, catalog):
    response = api.post("/stores/orders/", order_body((catalog.vvip, 1), response_type="html", is_pay_later=True),
                        format="json")
    order = Order.objects.get(order_number=response.json()["order_number"])
    answer = api.post(f"/payments/links/{order.pk}/card/", {}, format="json")
    assert answer.status_code == 201 and answer.json()["payload"]["signature"] == _signature(answer.json()["payload"])
    _post_form(api, CALLBACK, _receipt(answer.json()["payload"]))
    again = api.post(f"/payments/links/{order.pk}/card/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "not_payable"


def test_live_mode_requires_the_cybersource_keys(settings):
    def errors():
        return [error.msg for error in checks.run_checks(tags=["payments"]) if error.level >= checks.ERROR]

    settings.PAYMENTS_MODE = "live"
    for name in LIVE_REQUIRED:
        setattr(settings, name, "x" * 32)
    assert not [message for message in errors() if "CYBERSOURCE" in message]
    settings.CYBERSOURCE_SECRET_KEY = ""
    assert [message for message in errors() if "CYBERSOURCE_SECRET_KEY" in message]
