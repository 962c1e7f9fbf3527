"""POST /v1/orders/import and GET /v1/async-actions/{id}: each order upserted like a create, by a
Celery task (run in-process here); bad orders counted in `failed`, never stopping the others."""
import time

import pytest

from orders.models import OrderStatus
from orders.voucherify.models import ApiOrder, AsyncAction
from tests.voucherify.conftest import ticket_item

pytestmark = pytest.mark.django_db


def _import(client, orders, committed):
    """POST the import; its task runs (in-process) as the request's transaction ends."""
    with committed():
        return client.post("/v1/orders/import", orders, format="json")


def _action(client, action_id) -> dict:
    response = client.get(f"/v1/async-actions/{action_id}")
    assert response.status_code == 200, response.content
    return response.json()


def _order(n: int) -> dict:
    return {"source_id": f"hist-{n:04d}", "status": ("PAID", "CREATED", "FULFILLED", "CANCELED")[n % 4],
            "created_at": f"2024-01-{n % 28 + 1:02d}T10:00:00Z", "metadata": {"n": n},
            "customer": {"source_id": f"cust-{n % 300}", "name": f"Customer {n % 300}"},
            "items": [{"source_id": "tee", "price": 1500, "quantity": 1 + n % 3}, {"source_id": "ship", "amount": 300}]}


def test_import_of_2000_orders_is_done_when_every_order_is_valid(v1, capsys, committed):
    started = time.monotonic()
    response = _import(v1, [_order(n) for n in range(2000)], committed)
    seconds = time.monotonic() - started

    assert response.status_code == 202, response.content
    action = _action(v1, response.json()["async_action_id"])
    assert (action["status"], action["progress"], action["operation_status"]) == ("DONE", 100, "SUCCESS")
    assert action["result"]["done_count"] == 2000 and action["result"]["failed_count"] == 0
    assert ApiOrder.objects.count() == 2000
    paid = ApiOrder.objects.get(source_id="hist-0004")
    assert paid.order.status == OrderStatus.PAID and paid.created_at.isoformat() == "2024-01-05T10:00:00+00:00"
    with capsys.disabled():
        print(f"\nimport of 2000 orders (4000 lines, 300 customers): {seconds:.1f} s "
              f"({2000 / seconds:.0f} orders/s)")


def test_import_counts_bad_orders_in_failed_when_others_are_good(v1, merchant, committed):
    vvip = merchant.catalog.vvip
    orders = [
        {"source_id": "ok-1", "amount": 1000},
        {"source_id": "bad-shape", "amount": "10.00"},  # refused by its shape
        {"source_id": "bad-item", "items": [{"product_id": "prod_0b72b0bd64d198e3ae", "quantity": 2}]},
        {"source_id": "ok-2", "status": "PAID", "items": [ticket_item(vvip, 1)]},
        {"source_id": "too-many", "items": [ticket_item(vvip, 51)]},  # 50 VVIP tickets exist: sold out
        "not an order",
        {"source_id": "import"},
    ]
    action = _action(v1, _import(v1, orders, committed).json()["async_action_id"])

    assert action["status"] == "DONE" and action["operation_status"] == "FAILED"
    result = action["result"]
    assert (result["done_count"], result["failed_count"]) == (2, 5)
    assert [(failure["index"], failure["source_id"]) for failure in result["failed"]] == [
        (1, "bad-shape"), (2, "bad-item"), (4, "too-many"), (5, ""), (6, "import")]
    assert result["failed"][3]["reason"].startswith("invalid_payload")
    assert "sold_out" in result["failed"][2]["reason"]
    assert set(ApiOrder.objects.values_list("source_id", flat=True)) == {"ok-1", "ok-2"}
    vvip.refresh_from_db()
    assert (vvip.sold, vvip.reserved) == (1, 0)


def test_import_upserts_when_an_order_is_imported_twice(v1, committed):
    _import(v1, [{"source_id": "twice", "amount": 100}], committed)
    again = _import(v1, [{"source_id": "twice", "status": "PAID"}], committed)
    action = _action(v1, again.json()["async_action_id"])

    assert action["result"]["done_count"] == 1
    assert ApiOrder.objects.get().order.status == OrderStatus.PAID


@pytest.mark.parametrize("body", [[], {"source_id": "x"}, [{"source_id": f"o{n}"} for n in range(2001)]])
def test_import_is_refused_when_not_an_array_of_1_to_2000_orders(v1, body, committed):
    response = _import(v1, body, committed)

    assert response.status_code == 400
    assert response.json()["key"] == "invalid_payload" and not AsyncAction.objects.exists()


def test_async_action_is_404_when_it_belongs_to_another_store(v1, merchant, committed):
    from tests.voucherify.conftest import Merchant

    other = Merchant()
    action_id = _import(other.client(), [{"source_id": "theirs"}], committed).json()["async_action_id"]

    response = v1.get(f"/v1/async-actions/{action_id}")
    assert response.status_code == 404 and response.json()["key"] == "not_found"


def test_import_whose_worker_died_is_taken_over_when_its_lease_runs_out(v1):
    from datetime import timedelta

    from django.utils import timezone

    from orders.voucherify.imports import ImportWaiting, orders_import_run

    action_id = v1.post("/v1/orders/import", [{"source_id": "orphan", "amount": 100}],
                        format="json").json()["async_action_id"]  # committed never: no worker ran it
    AsyncAction.objects.filter(pk=action_id).update(status="IN_PROGRESS",
                                                    lease_until=timezone.now() + timedelta(minutes=5))
    with pytest.raises(ImportWaiting):
        orders_import_run(action_id=action_id)  # its worker may still be alive: wait

    AsyncAction.objects.filter(pk=action_id).update(lease_until=timezone.now() - timedelta(seconds=1))
    orders_import_run(action_id=action_id)

    assert _action(v1, action_id)["status"] == "DONE"
    assert ApiOrder.objects.get().source_id == "orphan"
