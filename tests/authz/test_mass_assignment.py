"""Read-only fields (counters, totals, status, ownership, store, ids, timestamps) sent with forged values
to every write endpoint: the answer is a success or a clean 4xx, and the database took none of them."""
import pytest

from orders.models import Order
from tests.authz.forged import STORE_FIELDS, forged_fields, forged_traces
from tests.authz.matrix import MATRIX
from tests.authz.requests import Call, calls
from tests.authz.send import send
from tests.authz.world import CALLERS

pytestmark = pytest.mark.django_db

# Whom each write is sent as: the first of these the matrix lets succeed.
PREFERENCE = ("owner", "super_admin", "customer", "key", "agent", "anonymous")
# An account is edited by its own user here: a super admin may set its email and groups.
CALLER = {"user-detail": "customer"}
# Fields a route takes as its input (the Voucherify-compatible API upserts by id, takes a status and the
# order's creation time from the client's system).
ROUTE_INPUTS = {"voucherify-orders": {"id", "status", "created_at"}, "voucherify-order": {"status", "created_at"},
                "voucherify-orders-import": {"id", "status", "created_at"}}


def _succeeds(value) -> bool:
    return isinstance(value, str) or 200 <= value < 300


def _writes() -> list[tuple[str, str, str]]:
    found = []
    for (name, method), row in sorted(MATRIX.items()):
        answers = dict(zip(CALLERS, row))
        caller = CALLER.get(name) or next((caller for caller in PREFERENCE if _succeeds(answers[caller])), None)
        if method in ("POST", "PUT", "PATCH") and caller is not None:
            found.append((name, method, caller))
    return found


WRITES = _writes()


def _with_forged(name: str, call: Call, forged: dict) -> Call:
    def merged(body):
        extra = {key: value for key, value in forged.items()
                 if key not in body and key not in ROUTE_INPUTS.get(name, ())
                 and (call.format == "json" or isinstance(value, (str, int)))}
        return {**body, **extra}

    body = [merged(item) for item in call.body] if isinstance(call.body, list) else merged(call.body or {})
    return Call(call.path, body, call.format)


def test_every_write_endpoint_is_covered_when_the_matrix_changes():
    assert len(WRITES) >= 40
    assert {name for name, _, _ in WRITES} >= {"orders-list", "store-list", "ticket-detail", "user-detail",
                                               "promocode-group-list", "voucherify-order", "album-detail"}


def _sent_forged(world, name, method, caller, forged: dict) -> tuple[int, list[str]]:
    orders_before = set(Order.objects.values_list("pk", flat=True))
    seen = {}

    def inspect(response):
        seen["status"], seen["traces"] = response.status_code, forged_traces(world, orders_before)

    send(world, caller, method, _with_forged(name, calls(world)[(name, method)], forged), inspect=inspect)
    return seen["status"], seen["traces"]


@pytest.mark.parametrize("name,method,caller", WRITES, ids=[f"{name}-{method}" for name, method, _ in WRITES])
def test_forged_read_only_fields_are_not_taken_when_sent_to_a_write(world, name, method, caller):
    status, traces = _sent_forged(world, name, method, caller, forged_fields(world))
    assert status < 500
    assert traces == []


UPDATES = [write for write in WRITES if write[1] in ("PUT", "PATCH")]


@pytest.mark.parametrize("name,method,caller", UPDATES, ids=[f"{name}-{method}" for name, method, _ in UPDATES])
def test_forged_counters_and_totals_are_not_taken_when_an_update_leaves_the_store_alone(world, name, method, caller):
    """An update refuses a move to another store with a 400: without that field, the rest is still ignored."""
    forged = {key: value for key, value in forged_fields(world).items() if key not in STORE_FIELDS}
    status, traces = _sent_forged(world, name, method, caller, forged)
    assert status < 500 and (status < 300 or name == "user-detail" and method == "PUT")  # PUT: 405, PATCH is offered
    assert traces == []
