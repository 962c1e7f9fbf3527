"""Order exports: scheduled by a client, built as CSV by a worker, downloaded with a token.

The CSV is written row by row from a server-side cursor into a temporary file and then into
storage, so a store's 100,000 orders never sit in memory at once.
"""
import csv
import hmac
import io
import json
import logging
import tempfile
from datetime import datetime, timedelta
from functools import partial

from django.core.files import File
from django.db import transaction
from django.db.models import BigIntegerField, F, QuerySet, Value
from django.utils import timezone
from django.utils.crypto import salted_hmac

from mookh.core.csv import csv_safe
from orders.voucherify.filters import export_filters_q
from orders.voucherify.formats import api_datetime
from orders.voucherify.models import ApiOrder, OrderExport
from orders.voucherify.selectors import api_order_changed_at
from orders.voucherify.statuses import api_status_expression

logger = logging.getLogger(__name__)

Status = OrderExport.Status
# Export field → the ApiOrder column (or annotation) holding it.
COLUMNS = {
    "id": "id", "source_id": "source_id", "created_at": "created_at", "updated_at": "changed_at",
    "status": "status_value", "amount": "amount", "discount_amount": "discount_amount",
    "items_discount_amount": "items_discount_value", "total_discount_amount": "discount_amount",
    "total_amount": "total_amount_value", "customer_id": "customer_id", "referrer_id": "referrer_id",
    "metadata": "metadata",
}
FIELDS = tuple(COLUMNS)
DEFAULT_FIELDS = ("id", "source_id", "status")
ORDERINGS = {
    "created_at": ("created_at", "id"), "-created_at": ("-created_at", "-id"),
    "updated_at": ("changed_at", "id"), "-updated_at": ("-changed_at", "-id"),
    "status": ("status_value", "id"), "-status": ("-status_value", "-id"),
}
DEFAULT_ORDERING = "-created_at"
CHUNK_ROWS = 2000
LEASE = timedelta(minutes=30)
TOKEN_SALT = "orders.voucherify.export-download"


@transaction.atomic
def order_export_create(*, store, fields: list[str] | None = None, ordering: str | None = None,
                        filters: dict | None = None) -> OrderExport:
    """Schedule an export of the store's API orders; a worker builds it after commit."""
    export_filters_q(filters)  # a bad filter is the client's 400 now, not an ERROR later
    parameters = {"fields": list(fields or DEFAULT_FIELDS), "order": ordering or DEFAULT_ORDERING}
    if filters:
        parameters["filters"] = filters
    export = OrderExport.objects.create(store=store, parameters=parameters)
    transaction.on_commit(partial(_build_queue, export.pk))
    return export


class ExportWaiting(Exception):
    """Another worker holds the export (its lease has not run out): the task tries again later."""


def order_export_build(*, export_id: str) -> None:
    """Write the export's CSV; DONE with its file, or ERROR. Does nothing for an export already
    finished; raises ExportWaiting for one another worker holds (whose worker may have died)."""
    export = _export_claim(export_id)
    if export is None:
        if OrderExport.objects.filter(pk=export_id, status=Status.IN_PROGRESS).exists():
            raise ExportWaiting(export_id)
        return
    try:
        rows = _csv_store(export)
    except Exception:  # whatever broke, the client must see ERROR rather than wait for ever
        logger.exception("order export %s failed", export.pk)
        OrderExport.objects.filter(pk=export.pk).update(status=Status.ERROR, error="The export could not be built.",
                                                        lease_until=None, updated_at=timezone.now())
        return
    OrderExport.objects.filter(pk=export.pk).update(status=Status.DONE, file=export.file.name, row_count=rows,
                                                    lease_until=None, updated_at=timezone.now())
    logger.info("order export %s: %d rows", export.pk, rows)


def export_download_token(export: OrderExport) -> str:
    """The token in the export's download URL: derived from its id, so nothing secret is stored."""
    return salted_hmac(TOKEN_SALT, export.pk, algorithm="sha256").hexdigest()


def export_download_token_valid(export: OrderExport, token: str) -> bool:
    return hmac.compare_digest(export_download_token(export), token or "")


def export_rows(export: OrderExport) -> QuerySet:
    """The export's cells, row by row, in its order (values of COLUMNS for its fields)."""
    parameters = export.parameters
    orders = (ApiOrder.objects.filter(store_id=export.store_id)
              .annotate(status_value=api_status_expression(), total_amount_value=F("amount") - F("discount_amount"),
                        items_discount_value=Value(0, output_field=BigIntegerField()),
                        changed_at=api_order_changed_at())
              .filter(export_filters_q(parameters.get("filters")))
              .order_by(*ORDERINGS[parameters.get("order") or DEFAULT_ORDERING]))
    return orders.values_list(*(COLUMNS[field] for field in parameters["fields"]))


def _export_claim(export_id: str) -> OrderExport | None:
    with transaction.atomic():
        export = OrderExport.objects.select_for_update().filter(pk=export_id).first()
        now = timezone.now()
        if export is None or export.status in (Status.DONE, Status.ERROR):
            return None
        if export.status == Status.IN_PROGRESS and export.lease_until and export.lease_until > now:
            return None
        export.status, export.lease_until, export.updated_at = Status.IN_PROGRESS, now + LEASE, now
        export.save(update_fields=["status", "lease_until", "updated_at"])
        return export


def _csv_store(export: OrderExport) -> int:
    """Stream the rows into a temporary file, then save it as the export's file; the row count."""
    count = 0
    with tempfile.TemporaryFile() as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow(export.parameters["fields"])
        for row in export_rows(export).iterator(chunk_size=CHUNK_ROWS):
            writer.writerow([csv_safe(_cell(value)) for value in row])
            count += 1
        text.flush()
        text.detach()  # leaves `raw` open for the storage to read
        raw.seek(0)
        export.file.save(f"{export.pk}.csv", File(raw), save=False)
    return count


def _cell(value):
    if isinstance(value, datetime):
        return api_datetime(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return value


def _build_queue(export_id: str) -> None:
    """Queue the build; never raises (a broker outage leaves the export SCHEDULED)."""
    from orders.voucherify.tasks import order_export_build_task  # the tasks module imports this one

    try:
        order_export_build_task.delay(export_id=export_id)
    except Exception:  # kombu/redis raise several types; any of them means "not queued now"
        logger.warning("could not queue the build of order export %s", export_id, exc_info=True)
