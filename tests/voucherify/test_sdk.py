"""The official voucherify SDK (6.1.1), unchanged, against a live server: every operation of
the Orders API contract, end to end through HTTP, the order engine and PostgreSQL."""
import csv
import io
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import voucherify
from voucherify.exceptions import ApiException, BadRequestException, UnauthorizedException

from orders.models import OrderStatus
from orders.voucherify.models import ApiOrder

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 60.0  # the SDK wants a float


def _orders(merchant, **kwargs) -> voucherify.OrdersApi:
    return voucherify.OrdersApi(merchant.sdk(merchant.host, **kwargs))


def _poll(fetch, done: set, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while True:
        answer = fetch()
        if answer.status in done or time.monotonic() > deadline:
            return answer
        time.sleep(0.2)


def test_sdk_creates_upserts_gets_and_updates_orders_when_pointed_at_this_server(merchant_live):
    orders = _orders(merchant_live)
    vvip = merchant_live.catalog.vvip

    created = orders.create_order(voucherify.OrdersCreateRequestBody(
        source_id="web-1001", metadata={"event_id": "evt-9"},
        customer=voucherify.Customer(source_id="jane@example.com", name="Jane", email="jane@example.com"),
        items=[voucherify.OrderItem(product_id=str(vvip.pk), quantity=2),
               voucherify.OrderItem(source_id="parking", price=500, quantity=1, related_object="product")],
    ), _request_timeout=TIMEOUT)
    assert created.id.startswith("ord_") and created.status == "CREATED"
    assert created.amount == 900500 and created.total_amount == 900500
    assert created.customer.id == created.customer_id and created.customer.object == "customer"
    assert [(item.source_id, item.quantity, item.amount) for item in created.items] == [
        (None, 2, 900000), ("parking", 1, 500)]

    upserted = orders.create_order(voucherify.OrdersCreateRequestBody(source_id="web-1001", status="PAID"),
                                   _request_timeout=TIMEOUT)
    assert upserted.id == created.id and upserted.status == "PAID"
    assert upserted.created_at == created.created_at and upserted.updated_at >= created.updated_at

    by_id = orders.get_order(created.id, _request_timeout=TIMEOUT)
    by_source_id = orders.get_order("web-1001", _request_timeout=TIMEOUT)
    assert by_id.id == by_source_id.id == created.id
    assert by_source_id.metadata == {"event_id": "evt-9"} and by_source_id.status == "PAID"

    updated = orders.update_order(created.id, voucherify.OrdersUpdateRequestBody(status="FULFILLED",
                                                                                  metadata={"shipped": True}),
                                  _request_timeout=TIMEOUT)
    assert updated.status == "FULFILLED" and updated.metadata == {"shipped": True}
    assert updated.amount == 900500 and updated.customer_id == created.customer_id  # untouched fields stay
    order = ApiOrder.objects.get(pk=created.id).order
    assert order.status == OrderStatus.PAID and order.issued_tickets.count() == 2

    # The SDK percent-encodes everything in a path, "/" included.
    slashed = orders.create_order(voucherify.OrdersCreateRequestBody(source_id="src 1/x"), _request_timeout=TIMEOUT)
    assert orders.get_order("src 1/x", _request_timeout=TIMEOUT).id == slashed.id


def test_sdk_lists_pages_in_the_asked_order_when_orders_exist(merchant_live):
    orders = _orders(merchant_live)
    made = [orders.create_order(voucherify.OrdersCreateRequestBody(source_id=f"list-{n}", amount=100 * n),
                                _request_timeout=TIMEOUT).id for n in range(1, 6)]
    orders.update_order("list-2", voucherify.OrdersUpdateRequestBody(metadata={"touched": 1}),
                        _request_timeout=TIMEOUT)

    first = orders.list_orders(limit=2, page=1, _request_timeout=TIMEOUT)
    second = orders.list_orders(limit=2, page=2, _request_timeout=TIMEOUT)
    third = orders.list_orders(limit=2, page=3, _request_timeout=TIMEOUT)
    past = orders.list_orders(limit=2, page=4, _request_timeout=TIMEOUT)
    assert (first.object, first.data_ref, first.total) == ("list", "orders", 5)
    assert [o.id for o in first.orders + second.orders + third.orders] == made[::-1]  # default -created_at
    assert past.orders == []
    oldest_first = orders.list_orders(limit=100, order="created_at", _request_timeout=TIMEOUT)
    assert [o.id for o in oldest_first.orders] == made
    recently_changed = orders.list_orders(limit=1, order="-updated_at", _request_timeout=TIMEOUT)
    assert recently_changed.orders[0].source_id == "list-2"


def test_server_refuses_limit_101_when_a_client_sends_it_past_the_sdk(merchant_live):
    with pytest.raises(Exception):  # the SDK itself refuses before sending
        _orders(merchant_live).list_orders(limit=101)
    response = httpx.get(f"{merchant_live.host}/v1/orders?limit=101", timeout=30, headers={
        "X-App-Id": merchant_live.app_id, "X-App-Token": merchant_live.app_token})
    assert response.status_code == 400
    assert response.json()["key"] == "invalid_query_params" and response.json()["code"] == 400


def test_sdk_imports_orders_and_polls_the_import_to_done_when_some_orders_are_bad(merchant_live):
    client = merchant_live.sdk(merchant_live.host)
    items = [voucherify.OrdersImportCreateRequestBodyItem(source_id=f"imp-{n}", status="PAID", amount=1000 + n)
             for n in range(20)]
    items.append(voucherify.OrdersImportCreateRequestBodyItem(
        source_id="imp-bad", items=[voucherify.OrderItem(product_id="prod_0b72b0bd64d198e3ae", quantity=2)]))

    started = voucherify.OrdersApi(client).import_orders(items, _request_timeout=TIMEOUT)
    assert started.async_action_id.startswith("aa_")
    action = _poll(lambda: voucherify.AsyncActionsApi(client).get_async_action(started.async_action_id,
                                                                               _request_timeout=TIMEOUT),
                   {"DONE", "FAILED"})
    assert action.status == "DONE" and action.progress == 100 and action.type == "ORDERS.IMPORT"
    assert (action.result["done_count"], action.result["failed_count"]) == (20, 1)
    assert action.result["failed"][0]["source_id"] == "imp-bad"
    assert voucherify.OrdersApi(client).get_order("imp-7", _request_timeout=TIMEOUT).status == "PAID"


def test_sdk_exports_orders_polls_and_downloads_the_csv_when_the_export_is_done(merchant_live):
    client = merchant_live.sdk(merchant_live.host)
    orders = voucherify.OrdersApi(client)
    for n, source_id in enumerate(["exp-1", "=cmd|' /C calc'!A0", "exp-3"]):
        orders.create_order(voucherify.OrdersCreateRequestBody(source_id=source_id, amount=100 * (n + 1),
                                                               metadata={"n": n}), _request_timeout=TIMEOUT)

    export = orders.create_order_export(voucherify.OrdersExportCreateRequestBody(
        parameters=voucherify.OrdersExportCreateRequestBodyParameters(
            fields=["source_id", "amount", "status", "metadata"], order="created_at")), _request_timeout=TIMEOUT)
    assert export.status == "SCHEDULED" and export.id.startswith("exp_") and export.exported_object == "order"
    exports = voucherify.ExportsApi(client)
    done = _poll(lambda: exports.get_export(export.id, _request_timeout=TIMEOUT), {"DONE", "ERROR"})
    assert done.status == "DONE"
    url = urlsplit(done.result.url)
    assert f"{url.scheme}://{url.netloc}" == merchant_live.host and url.path == f"/v1/exports/{export.id}"

    text = exports.download_export(export.id, token=parse_qs(url.query)["token"][0], _request_timeout=TIMEOUT)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["source_id", "amount", "status", "metadata"], ["exp-1", "100", "CREATED", '{"n":0}'],
                    ["'=cmd|' /C calc'!A0", "200", "CREATED", '{"n":1}'], ["exp-3", "300", "CREATED", '{"n":2}']]
    with pytest.raises(UnauthorizedException):
        exports.download_export(export.id, token="not-the-token", _request_timeout=TIMEOUT)


def test_sdk_gets_401_when_the_token_is_wrong(merchant_live):
    with pytest.raises(UnauthorizedException) as raised:
        _orders(merchant_live, token="wrong-token").get_order("ord_unknown", _request_timeout=TIMEOUT)
    assert raised.value.status == 401
    with pytest.raises(BadRequestException):
        _orders(merchant_live).create_order(voucherify.OrdersCreateRequestBody(source_id="import"),
                                            _request_timeout=TIMEOUT)
    with pytest.raises(ApiException) as missing:
        _orders(merchant_live).get_order("ord_missing", _request_timeout=TIMEOUT)
    assert missing.value.status == 404
