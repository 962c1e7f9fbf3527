"""Bad input on /v1 gets a clear 4xx in Voucherify's error shape, and leaves nothing behind;
Mookh's own routes keep their error shape."""
import json

import pytest
from rest_framework.test import APIClient

from orders.models import Order
from orders.voucherify.models import ApiCustomer, ApiOrder, OrderExport
from tests.voucherify.conftest import create, ticket_item

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "key", "message", "details", "request_id"}


def _error(response, status: int, key: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert ERROR_KEYS <= set(body) and body["code"] == status and body["key"] == key, body
    assert isinstance(body["details"], str) and body["request_id"] == response["X-Request-Id"]
    return body


@pytest.mark.parametrize("body, field", [
    ({"status": "paid"}, "status"),
    ({"status": "CANCELLED"}, "status"),
    ({"amount": 10.5}, "amount"),
    ({"amount": "1000"}, "amount"),
    ({"amount": -1}, "amount"),
    ({"amount": 10**13}, "amount"),
    ({"items": [{"source_id": "x", "quantity": 0}]}, "items"),
    ({"items": [{"source_id": "x", "price": 1.5}]}, "items"),
    ({"items": [{"source_id": "x"}] * 501}, "items"),
    ({"items": [{"quantity": 2}]}, "items"),
    ({"items": [{"product_id": "prod_123"}]}, "items"),
    ({"metadata": "not an object"}, "metadata"),
    ({"metadata": {f"k{n}": n for n in range(51)}}, "metadata"),
    ({"customer": {"email": "not-an-email"}}, "customer"),
    ({"customer": "cust_1"}, "customer"),
    ({"customer": {"address": {"country": 5}}}, "customer"),
    ({"customer": {"name": True}}, "customer"),
    ({"created_at": "yesterday"}, "created_at"),
    ({"source_id": "export"}, "source_id"),
    ({"amount": 100, "discount_amount": 200}, "discount_amount"),
])
def test_create_is_refused_with_400_when_a_field_is_wrong(v1, body, field):
    body = _error(create(v1, {"source_id": "bad", **body} if "source_id" not in body else body), 400,
                  "invalid_payload")

    assert field in body["details"]
    assert not ApiOrder.objects.exists() and not Order.objects.exists() and not ApiCustomer.objects.exists()


def test_catalogue_order_is_refused_when_its_amount_is_not_the_catalogue_price(v1, merchant):
    vvip = merchant.catalog.vvip
    _error(create(v1, {"source_id": "p", "amount": 100, "items": [ticket_item(vvip, 1)]}), 400, "invalid_payload")

    vvip.refresh_from_db()
    assert vvip.reserved == 0 and not Order.objects.exists()


def test_sold_out_is_a_409_when_the_store_has_too_few_seats(v1, merchant):
    _error(create(v1, {"source_id": "big", "items": [ticket_item(merchant.catalog.vvip, 51)]}), 409, "sold_out")


def test_unknown_ids_are_404_when_the_key_is_valid(v1):
    assert _error(v1.get("/v1/orders/ord_missing"), 404, "not_found")["details"] == \
        "Cannot find order with id ord_missing"
    _error(create(v1, {"id": "ord_missing"}), 404, "not_found")
    _error(v1.put("/v1/orders/nope", {"status": "PAID"}, format="json"), 404, "not_found")
    _error(create(v1, {"source_id": "c", "customer": {"id": "cust_missing"}}), 404, "not_found")
    _error(v1.get("/v1/async-actions/aa_missing"), 404, "not_found")
    _error(v1.get("/v1/exports/exp_missing"), 404, "not_found")
    _error(v1.get("/v1/no-such-route"), 404, "not_found")
    _error(v1.get("/v1/orders/ord_%0Amissing"), 404, "not_found")
    _error(v1.get("/v1/no-such%0Aroute"), 404, "not_found")


@pytest.mark.parametrize("query", ["limit=101", "limit=0", "limit=abc", "limit=1.5", "page=0", "page=x", "limit=", "page=",
                                   "order=amount", "order=-created", "order="])
def test_list_is_refused_with_400_when_a_query_parameter_is_wrong(v1, query):
    _error(v1.get(f"/v1/orders?{query}"), 400, "invalid_query_params")


def test_malformed_json_and_other_media_types_are_refused_in_voucherify_shape(v1):
    _error(v1.post("/v1/orders", "{not json", content_type="application/json"), 400, "invalid_payload")
    _error(v1.post("/v1/orders", "a=1", content_type="application/x-www-form-urlencoded"), 415,
           "unsupported_media_type")
    _error(v1.post("/v1/orders", [1, 2], format="json"), 400, "invalid_payload")
    _error(v1.delete("/v1/orders"), 405, "method_not_allowed")


@pytest.mark.parametrize("parameters", [
    {"fields": ["id", "metadata.shop"]}, {"fields": ["id", "id"]}, {"fields": ["email"]}, {"order": "amount"},
    {"filters": {"status": {"conditions": {"$in": ["paid"]}}}}, {"filters": {"email": {"conditions": {"$is": "x"}}}},
    {"filters": {"amount": {"conditions": {"$after": 5}}}}, {"filters": {"status": "PAID"}},
])
def test_export_is_refused_with_400_when_its_parameters_are_wrong(v1, parameters):
    _error(v1.post("/v1/orders/export", {"parameters": parameters}, format="json"), 400, "invalid_payload")


@pytest.mark.parametrize("parameters", [
    {"filters": {"status": {"conditions": {"$is": "PAID"}, "note\x00": {}}}},
    {"filters": {"id": {"conditions": {"$has_value": "\udb6a"}}}},
    {"filters": {"junction": 0, "status": {"conditions": {"$is": "PAID"}}}},
    {"filters": {"created_at": {"conditions": {"$after": "0001-01-01T00:00:00+14:00"}}}},
    {"filters": {"source_id": {"conditions": {"$is": "a\x00"}}}},
])
def test_export_is_refused_with_400_when_its_filters_could_not_be_kept_or_read(v1, parameters):
    # Written with json.dumps: the lone surrogate travels as an escape, as a hostile client would send it.
    response = v1.post("/v1/orders/export", json.dumps({"parameters": parameters}), content_type="application/json")
    _error(response, 400, "invalid_payload")
    assert not OrderExport.objects.exists()


@pytest.mark.parametrize(("metadata", "kept"), [
    ({"shop\x00": "A"}, {"shop\ufffd": "A"}), ({"shop": "\udb6a"}, {"shop": "\ufffd"}),
    ({"shop": ["a\x00", {"b\udb6a": 1}]}, {"shop": ["a\ufffd", {"b\ufffd": 1}]}),
])
def test_metadata_kept_with_a_stand_in_for_what_the_database_cannot_hold(v1, metadata, kept):
    # Written with json.dumps: the lone surrogate travels as an escape, as a hostile client would send it.
    response = v1.post("/v1/orders", json.dumps({"source_id": "odd", "metadata": metadata}),
                       content_type="application/json")

    assert response.status_code == 200, response.content
    assert response.json()["metadata"] == kept == ApiOrder.objects.get(source_id="odd").metadata


def test_mookh_routes_keep_their_own_error_shape_when_v1_has_its_own(v1, merchant):
    response = APIClient().post("/stores/orders/", {}, format="json")

    assert response.status_code == 400 and "key" not in response.json() and "currency" in response.json()


def test_voucherify_routes_have_no_trailing_slash_variant(v1):
    assert v1.get("/v1/orders/").status_code == 404
