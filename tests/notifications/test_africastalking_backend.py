"""Africa's Talking through its SDK; only the HTTP exchange with their servers is simulated."""
from urllib.parse import parse_qs

import pytest
import requests
import responses

from notifications.errors import PermanentDeliveryError, TransientDeliveryError
from notifications.models import OutboxMessage
from notifications.services import message_deliver
from notifications.sms import SmsMessage
from notifications.sms.africastalking import SmsBackend
from tests.notifications.helpers import pending_message

LIVE_URL = "https://api.africastalking.com/version1/messaging"
SANDBOX_URL = "https://api.sandbox.africastalking.com/version1/messaging"


def _answer(status="Success", code=101, number="+254720111222"):
    return {"SMSMessageData": {"Message": "Sent to 1/1 Total Cost: KES 0.8000", "Recipients": [
        {"statusCode": code, "number": number, "status": status, "cost": "KES 0.8000",
         "messageId": "ATXid_0123456789abcdef"}]}}


@pytest.fixture
def at_http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def backend(settings):
    settings.AFRICASTALKING_USERNAME = "mookh"
    settings.AFRICASTALKING_API_KEY = "atsk_test_key"
    settings.SMS_SENDER_ID = "MOOKH"
    return SmsBackend()


def test_sends_the_sdk_request_and_returns_message_id_when_accepted(backend, at_http):
    at_http.post(LIVE_URL, json=_answer(), status=201)
    provider_id = backend.send_message(SmsMessage(to="+254720111222", body="Your code is 12345.", reference="r1"))
    assert provider_id == "ATXid_0123456789abcdef"
    request = at_http.calls[0].request
    assert request.method == "POST"
    assert request.headers["apiKey"] == "atsk_test_key"
    assert request.headers["Accept"] == "application/json"
    assert parse_qs(request.body) == {"username": ["mookh"], "to": ["+254720111222"], "bulkSMSMode": ["1"],
                                      "message": ["Your code is 12345."], "from": ["MOOKH"]}


def test_sandbox_username_uses_sandbox_host_and_no_sender_id_when_unset(settings, at_http):
    settings.AFRICASTALKING_USERNAME, settings.AFRICASTALKING_API_KEY, settings.SMS_SENDER_ID = "sandbox", "k", ""
    at_http.post(SANDBOX_URL, json=_answer(), status=201)
    SmsBackend().send_message(SmsMessage(to="+254720111222", body="hi"))
    assert "from" not in parse_qs(at_http.calls[0].request.body)


@pytest.mark.parametrize("status, code, error", [
    ("InvalidPhoneNumber", 403, PermanentDeliveryError),
    ("UserInBlacklist", 406, PermanentDeliveryError),
    ("DoNotDisturbRejection", 409, PermanentDeliveryError),
    ("InsufficientBalance", 405, TransientDeliveryError),
    ("RiskHold", 401, TransientDeliveryError),
    ("GatewayError", 501, TransientDeliveryError),
])
def test_recipient_status_mapped_to_delivery_error(backend, at_http, status, code, error):
    at_http.post(LIVE_URL, json=_answer(status=status, code=code), status=201)
    with pytest.raises(error) as raised:
        backend.send_message(SmsMessage(to="+254720111222", body="hi"))
    assert raised.type is error
    assert raised.value.code == status


@pytest.mark.parametrize("http_status", [500, 502, 503])
def test_server_errors_are_transient(backend, at_http, http_status):
    at_http.post(LIVE_URL, body="Internal Server Error", status=http_status)
    with pytest.raises(TransientDeliveryError):
        backend.send_message(SmsMessage(to="+254720111222", body="hi"))


@pytest.mark.parametrize("failure", [requests.ConnectTimeout("connect timeout"), requests.ReadTimeout("read timeout"),
                                     requests.ConnectionError("connection reset")])
def test_timeouts_and_connection_errors_are_transient(backend, at_http, failure):
    at_http.post(LIVE_URL, body=failure)
    with pytest.raises(TransientDeliveryError) as raised:
        backend.send_message(SmsMessage(to="+254720111222", body="hi"))
    assert raised.value.code == "unreachable"


def test_invalid_sender_id_answer_without_recipients_is_permanent(backend, at_http):
    at_http.post(LIVE_URL, json={"SMSMessageData": {"Message": "InvalidSenderId", "Recipients": []}}, status=201)
    with pytest.raises(PermanentDeliveryError):
        backend.send_message(SmsMessage(to="+254720111222", body="hi"))


def test_unreadable_answer_is_transient(backend, at_http):
    at_http.post(LIVE_URL, body="<html>proxy error</html>", status=200, content_type="text/html")
    with pytest.raises(TransientDeliveryError):
        backend.send_message(SmsMessage(to="+254720111222", body="hi"))


def test_non_e164_number_refused_before_any_request(backend, at_http):
    with pytest.raises(PermanentDeliveryError):
        backend.send_message(SmsMessage(to="0720111222", body="hi"))
    assert len(at_http.calls) == 0


@pytest.mark.django_db
def test_outbox_message_sent_then_dead_through_africastalking(settings, backend, at_http):
    settings.SMS_BACKEND = "notifications.sms.africastalking.SmsBackend"
    sent, refused = pending_message(), pending_message(recipient="+254720111223")
    at_http.post(LIVE_URL, json=_answer(), status=201)
    message_deliver(message_id=sent.pk)
    at_http.replace(responses.POST, LIVE_URL, json=_answer("InvalidPhoneNumber", 403, "+254720111223"), status=201)
    message_deliver(message_id=refused.pk)
    sent.refresh_from_db(), refused.refresh_from_db()
    assert (sent.status, sent.provider_message_id) == (OutboxMessage.Status.SENT, "ATXid_0123456789abcdef")
    assert (refused.status, refused.attempts) == (OutboxMessage.Status.DEAD, 1)
    assert parse_qs(at_http.calls[0].request.body)["message"] == [
        "Your Mookh verification code is 12345. It expires in 15 minutes."]
