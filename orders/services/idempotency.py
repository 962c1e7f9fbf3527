"""`Idempotency-Key` on order creation: the same key and body within 24 h answer as the first."""
import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from mookh.core.errors import InvalidInput
from orders.errors import IdempotencyKeyReused
from orders.models import IdempotencyKey, Order
from orders.services.inputs import OrderRequest
from orders.services.placement import IdempotencyClaim, IdempotencyKeyTaken, order_place

KEY_MAX_LENGTH = 200
# Anonymous callers share one namespace: a short key could be guessed or collide with a stranger's.
KEY_MIN_LENGTH = 16


@dataclass(frozen=True)
class Placement:
    order: Order
    key: str | None  # the stored (caller-scoped) key, to keep the answer under
    lines: list | None = None  # the new order's lines as written (None for an earlier order)
    payments: list | None = None  # its requests for money as made (None: read them)
    replayed: bool = False  # the order is an earlier request's
    first_status: int | None = None  # its stored answer, once the first request has kept it
    first_body: dict | None = None


def request_fingerprint(payload) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _scoped(key: str, placed_by) -> str:
    """Keys are the caller's own: another user's identical key neither replays nor blocks theirs."""
    owner = placed_by.pk if placed_by is not None and placed_by.is_authenticated else "anonymous"
    return f"{owner}:{key}"


def _earlier(key: str, request_hash: str) -> IdempotencyKey | None:
    since = timezone.now() - timedelta(hours=24)
    record = IdempotencyKey.objects.filter(key=key, created__gte=since).select_related("order").first()
    if record and record.request_hash != request_hash:
        raise IdempotencyKeyReused()
    return record


def order_place_idempotent(request: OrderRequest, *, idempotency_key: str | None, payload, placed_by) -> Placement:
    """`order_place`, or the earlier answer when the same key and body came within 24 h.

    A duplicate arriving while the first is still being placed waits for it (the key's unique
    index) and then gets the first order, not a second one.
    """
    if not idempotency_key:
        placed = order_place(request, placed_by=placed_by)
        return Placement(order=placed.order, lines=placed.lines, payments=placed.payments, key=None)
    if not KEY_MIN_LENGTH <= len(idempotency_key) <= KEY_MAX_LENGTH:
        raise InvalidInput({"Idempotency-Key": f"Use {KEY_MIN_LENGTH} to {KEY_MAX_LENGTH} characters "
                                               "(a UUID fits)."})
    key, request_hash = _scoped(idempotency_key, placed_by), request_fingerprint(payload)
    earlier = _earlier(key, request_hash)
    if earlier is None:
        try:
            placed = order_place(request, placed_by=placed_by,
                                 idempotency=IdempotencyClaim(key=key, request_hash=request_hash))
            return Placement(order=placed.order, lines=placed.lines, payments=placed.payments, key=key)
        except IdempotencyKeyTaken:
            earlier = _earlier(key, request_hash)
    return Placement(order=earlier.order, key=key, replayed=True, first_status=earlier.response_status,
                     first_body=earlier.response_body)


def idempotency_response_store(*, key: str, status: int, body: dict) -> None:
    """Keep the first answer so that a retry with the same key gets exactly it."""
    IdempotencyKey.objects.filter(key=key, response_body__isnull=True).update(response_status=status,
                                                                               response_body=body)
