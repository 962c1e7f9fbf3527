"""/metrics serves Prometheus's text format to a scraper holding METRICS_TOKEN, and answers 404 like
an unknown path to everyone else; the business counters move where the events happen."""
import json

import pytest
from django.db import OperationalError
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from notifications.services import message_deliver, message_enqueue
from orders.models import Order
from payments.models import ProviderCallback
from stores.models import Ticket
from tests.orders.conftest import Catalog, order_body
from tests.users.helpers import throttle_rates

pytestmark = pytest.mark.django_db
TOKEN = "scraper-token-0b8d61e2"


@pytest.fixture
def catalog(db):
    return Catalog()


@pytest.fixture(autouse=True)
def _token(settings):
    settings.METRICS_TOKEN = TOKEN


def _scrape(api) -> str:
    response = api.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def _value(text: str, name: str, **labels) -> float:
    """The sample `name` with exactly `labels` (0 when the counter has not moved yet)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def test_metrics_not_found_like_an_unknown_path_when_the_token_is_missing_or_wrong(api, settings):
    unknown = api.get("/no-such-page/")
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer wrong-token"}, {"HTTP_AUTHORIZATION": TOKEN},
                    {"HTTP_AUTHORIZATION": f"Basic {TOKEN}"}, {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}x"}):
        response = api.get("/metrics/", **headers)
        assert (response.status_code, response.content, response["Content-Type"]) == (
            404, unknown.content, unknown["Content-Type"]), headers
    assert api.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404

    settings.METRICS_TOKEN = ""
    assert api.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_metrics_served_with_the_token_when_a_scraper_asks(api):
    api.get("/no-such-page/")
    text = _scrape(api)
    assert _value(text, "django_http_responses_total_by_status_total", status="404") >= 1
    assert "# TYPE mookh_orders_placed_total counter" in text or "# TYPE mookh_orders_placed counter" in text
    assert "/metrics" not in json.dumps(api.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"])


def test_orders_placed_counted_when_an_order_commits(api, catalog, django_capture_on_commit_callbacks):
    before = _value(_scrape(api), "mookh_orders_placed_total", channel="WEB", payment_method="MOBILE")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/stores/orders/", order_body((catalog.regular, 1)), format="json")
    assert response.status_code == 201
    assert _value(_scrape(api), "mookh_orders_placed_total", channel="WEB", payment_method="MOBILE") == before + 1


def test_sold_out_answers_counted_when_a_ticket_type_has_too_few_units(api, catalog):
    before = _value(_scrape(api), "mookh_sold_out_answers_total")
    Ticket.objects.filter(pk=catalog.vvip.pk).update(sold=49)
    for _ in range(2):
        response = api.post("/stores/orders/", order_body((catalog.vvip, 2)), format="json")
        assert response.status_code == 409 and response.json()["code"] == "sold_out"
    assert _value(_scrape(api), "mookh_sold_out_answers_total") == before + 2
    assert not Order.objects.exists()


def test_rejected_callbacks_counted_by_provider_and_reason_when_refused(api, django_capture_on_commit_callbacks):
    text = _scrape(api)
    unauthenticated = _value(text, "mookh_payment_callbacks_rejected_total", provider="mpesa", reason="unauthenticated")
    invalid = _value(text, "mookh_payment_callbacks_rejected_total", provider="mpesa", reason="invalid")
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/payments/callbacks/mpesa/wrong-token/", {"Body": {}}, format="json").status_code == 401
        assert api.post("/payments/callbacks/mpesa/sandbox-callback-token/", "not json",
                        content_type="application/json").status_code == 400
    text = _scrape(api)
    assert _value(text, "mookh_payment_callbacks_rejected_total", provider="mpesa",
                  reason="unauthenticated") == unauthenticated + 1
    assert _value(text, "mookh_payment_callbacks_rejected_total", provider="mpesa", reason="invalid") == invalid + 1


def test_payments_credited_counted_once_when_a_callback_is_replayed(api, catalog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/stores/orders/", order_body((catalog.regular, 1)), format="json")
    order = Order.objects.get(pk=response.json()["id"])
    before = _value(_scrape(api), "mookh_payments_credited_total", provider="mpesa")
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post("/payments/sandbox/complete/", {"order_number": order.order_number}, format="json")
    assert answer.status_code == 200 and answer.json()["callback_outcome"] == "credited"
    delivered = ProviderCallback.objects.get()
    with django_capture_on_commit_callbacks(execute=True):  # Daraja sends the same callback again
        replay = api.post("/payments/callbacks/mpesa/sandbox-callback-token/", delivered.body,
                          content_type="application/json")
    assert replay.status_code == 200
    order.refresh_from_db()
    assert order.status == "PAID" and order.payments.count() == 1
    assert _value(_scrape(api), "mookh_payments_credited_total", provider="mpesa") == before + 1


def test_outbox_backlog_read_when_scraped(api, mailoutbox):
    assert _value(_scrape(api), "mookh_outbox_backlog") == 0
    queued = [message_enqueue(channel="email", recipient=f"buyer{n}@example.com", template="verification_code",
                              context={"code": "123456", "name": "Jane"}) for n in range(2)]
    assert _value(_scrape(api), "mookh_outbox_backlog") == 2
    message_deliver(message_id=queued[0].pk)
    assert len(mailoutbox) == 1
    assert _value(_scrape(api), "mookh_outbox_backlog") == 1


def backlog_unreadable() -> int:
    """A gauge whose database is out of reach."""
    raise OperationalError("server closed the connection unexpectedly")


def test_scrape_still_answers_without_a_gauge_when_its_database_is_out_of_reach(api, settings):
    settings.METRICS_GAUGES = {"mookh_outbox_backlog": f"{__name__}.backlog_unreadable"}
    text = _scrape(api)
    assert "mookh_outbox_backlog" not in text and "mookh_sold_out_answers_total" in text


def test_right_token_refused_from_an_address_when_it_sent_too_many_wrong_ones(settings):
    throttle_rates(settings, metrics_failures="3/day")
    guesser, scraper = APIClient(REMOTE_ADDR="192.0.2.1"), APIClient(REMOTE_ADDR="192.0.2.2")
    for n in range(3):  # each claims another address: X-Forwarded-For is not believed (NUM_PROXIES=0)
        response = guesser.get("/metrics", HTTP_AUTHORIZATION=f"Bearer guess-{n}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert response.status_code == 404
    assert guesser.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404
    assert scraper.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
