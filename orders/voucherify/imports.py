"""Order imports: a client posts up to IMPORT_MAX orders, a worker upserts each like a create.

A store's imports run one at a time, oldest first. One failing order never stops the others:
it is counted in the result's `failed` with its reason. Progress is saved as the worker goes,
and a lease lets another worker take over an import whose worker died (its task, delivered
again, waits for the lease to run out; each order is an upsert, so orders already imported are
found again rather than made twice, where they have a source_id).
"""
import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from mookh.core.errors import DomainError, InvalidInput
from orders.voucherify.inputs import OrderInput
from orders.voucherify.models import AsyncAction
from orders.voucherify.services import api_order_create

logger = logging.getLogger(__name__)

Status = AsyncAction.Status
IMPORT_MAX = 2000
LEASE = timedelta(minutes=10)
PROGRESS_EVERY = timedelta(seconds=1)


@transaction.atomic
def orders_import_enqueue(*, store, orders: dict[int, OrderInput], rejected: list[dict], request_id: str = ""
                          ) -> AsyncAction:
    """Queue an import of `orders` (validated, by their index in the client's array) and
    `rejected` (orders whose shape was refused already: {"index", "source_id", "reason"}), which
    count as failed."""
    total = len(orders) + len(rejected)
    if not 1 <= total <= IMPORT_MAX:
        raise InvalidInput({"orders": f"Import 1 to {IMPORT_MAX} orders at a time."})
    action = AsyncAction.objects.create(
        store=store, type=AsyncAction.ORDERS_IMPORT, total=total, request_id=request_id,
        payload={"orders": [{"index": index, "order": order.payload()} for index, order in sorted(orders.items())],
                 "rejected": rejected})
    transaction.on_commit(partial(_run_queue, action.pk))
    return action


class ImportWaiting(Exception):
    """Another worker holds the store's import queue, and this import is not done: its task tries
    again later (normally the worker that finishes queues it first)."""


def orders_import_run(*, action_id: str) -> None:
    """Run the oldest waiting import of this action's store (this one, or one queued before it),
    then queue the next. Raises ImportWaiting while another worker runs one of the store's imports
    and this one is unfinished; does nothing once it is done."""
    action = _import_claim(action_id)
    if action is None:
        if AsyncAction.objects.filter(pk=action_id, status__in=(Status.ENQUEUED, Status.IN_PROGRESS)).exists():
            raise ImportWaiting(action_id)
        return
    _import_process(action)
    following = (AsyncAction.objects.filter(store_id=action.store_id, status=Status.ENQUEUED)
                 .order_by("created_at", "id").values_list("pk", flat=True).first())
    if following:
        _run_queue(following)


def _import_claim(action_id: str) -> AsyncAction | None:
    store_id = AsyncAction.objects.filter(pk=action_id).values_list("store_id", flat=True).first()
    if store_id is None:
        return None
    with transaction.atomic():
        unfinished = list(AsyncAction.objects.select_for_update()
                          .filter(store_id=store_id, status__in=(Status.ENQUEUED, Status.IN_PROGRESS))
                          .order_by("created_at", "id").defer("payload"))  # read by the one that runs
        now = timezone.now()
        if not unfinished or any(action.status == Status.IN_PROGRESS and action.lease_until
                                 and action.lease_until > now for action in unfinished):
            return None
        action = unfinished[0]
        action.status, action.lease_until, action.updated_at = Status.IN_PROGRESS, now + LEASE, now
        action.started_at = action.started_at or now
        action.save(update_fields=["status", "lease_until", "updated_at", "started_at"])
        return action


def _import_process(action: AsyncAction) -> None:
    failed = list(action.payload.get("rejected", []))
    done, reported = 0, timezone.now()
    for processed, entry in enumerate(action.payload.get("orders", []), start=len(failed) + 1):
        order = OrderInput.from_payload(entry["order"])
        try:
            api_order_create(store=action.store, data=order)
            done += 1
        except DomainError as exc:
            failed.append({"index": entry["index"], "source_id": order.source_id or "", "reason": _reason(exc)})
        except Exception:  # one broken order must not stop the rest; it is logged and counted
            logger.exception("import %s: order %s failed", action.pk, order.source_id)
            failed.append({"index": entry["index"], "source_id": order.source_id or "",
                           "reason": "internal_error: this order could not be imported."})
        if timezone.now() - reported >= PROGRESS_EVERY:
            reported = timezone.now()
            _progress_save(action, processed=processed)
    failed.sort(key=lambda failure: failure["index"])
    now = timezone.now()
    AsyncAction.objects.filter(pk=action.pk).update(
        status=Status.DONE, progress=100, lease_until=None, finished_at=now, updated_at=now, payload={},
        operation_status="FAILED" if failed else "SUCCESS",
        result={"message": f"{done} of {action.total} orders imported.", "done_count": done,
                "failed_count": len(failed), "failed": failed})
    logger.info("import %s for store %s: %d done, %d failed", action.pk, action.store_id, done, len(failed))


def _progress_save(action: AsyncAction, *, processed: int) -> None:
    now = timezone.now()
    AsyncAction.objects.filter(pk=action.pk).update(progress=min(99, processed * 100 // max(action.total, 1)),
                                                    lease_until=now + LEASE, updated_at=now)


def _reason(exc: DomainError) -> str:
    fields = getattr(exc, "fields", None)
    return f"{exc.code}: {fields if fields else exc.message}"[:500]


def _run_queue(action_id: str) -> None:
    """Queue the run; never raises (a broker outage leaves the import ENQUEUED)."""
    from orders.voucherify.tasks import orders_import_task  # the tasks module imports this one

    try:
        orders_import_task.delay(action_id=action_id)
    except Exception:  # kombu/redis raise several types; any of them means "not queued now"
        logger.warning("could not queue import %s", action_id, exc_info=True)
