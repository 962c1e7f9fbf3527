"""Voucherify-compatible order export: 100,000 orders of one store written as CSV into storage.

The first orders are made through the real API service (api_order_create); the rest are copies
of them made in SQL (placing 100,000 orders one by one takes most of an hour and measures the
order engine, not the export). The export is then built by `order_export_build`, the
function its Celery task runs: once plainly for the time, once under tracemalloc for the peak of
Python memory, and once more for a tenth of the rows, to show that the peak does not grow with
the row count (the rows stream from a server-side cursor into a temporary file).
Run with `make bench BENCH=voucherify_export` or `python -m benchmarks.voucherify_export`.
"""
import os
import tempfile
import time
import tracemalloc

from benchmarks.support import bench_database_url, django_setup

ORDERS = int(os.environ.get("BENCH_EXPORT_ORDERS", 100_000))


def _store():
    from stores.models import Store, StoreType
    from users.models import User

    owner = User.objects.create_user(email="bench-export@example.com", password="Bench-pass-2026")
    return Store.objects.create(store_name="Export bench", store_type=StoreType.objects.get_or_create(name="shop")[0],
                                owner=owner)


def _orders_made(store, count: int) -> None:
    """Three orders through the service, then copies of them up to `count`, made in SQL."""
    from orders.models import Order, OrderLine
    from orders.voucherify.inputs import CustomerInput, ItemInput, OrderInput
    from orders.voucherify.models import ApiOrder
    from orders.voucherify.services import api_order_create

    for n, status in enumerate(("CREATED", "PAID", "CANCELED")):
        api_order_create(store=store, data=OrderInput(
            source_id=f"seed-{n}", status=status, metadata={"shop": "=cmd|calc" if n == 2 else "east"},
            customer=CustomerInput(source_id=f"customer-{n}", name=f"Customer {n}"),
            items=(ItemInput(source_id="tee", price=1500, quantity=2),)))
    seeds = list(ApiOrder.objects.order_by("source_id"))
    for index, seed in enumerate(seeds):
        # Copy number n of seed n % 3: its order, its line and its API order, ids derived from n.
        order_id = "md5('bench-order-' || n)::uuid"
        _copy(Order, seed.order_id, count, index, {"id": order_id, "order_number": "'B' || lpad(to_hex(n), 5, '0')"})
        _copy(OrderLine, OrderLine.objects.get(order_id=seed.order_id).pk, count, index,
              {"id": "md5('bench-line-' || n)::uuid", "order_id": order_id})
        _copy(ApiOrder, seed.pk, count, index, {
            "id": "'ord_bench' || lpad(n::text, 8, '0')", "order_id": order_id,
            "source_id": "'bench-' || lpad(n::text, 6, '0')",
            "metadata": "s.metadata || jsonb_build_object('n', n)",
            "created_at": "now() - interval '365 days' + n * interval '300 seconds'",
            "updated_at": "now() - interval '365 days' + n * interval '300 seconds'"})


def _copy(model, seed_pk, count: int, index: int, columns: dict) -> None:
    """INSERT … SELECT copies n = 3…count-1 (n % 3 = index) of the row `seed_pk`, with `columns`
    set by SQL expressions of n (`s` is the seed row)."""
    from django.db import connection

    names = [field.column for field in model._meta.concrete_fields]
    values = [columns.get(name, f"s.{name}") for name in names]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)} "
            f"FROM generate_series(3, %s) AS n, {table} AS s WHERE s.id = %s AND n %% 3 = %s",
            [count - 1, seed_pk, index])


def _export(store, filters=None):
    from orders.voucherify.exports import FIELDS
    from orders.voucherify.models import OrderExport

    parameters = {"fields": list(FIELDS), "order": "-created_at", **({"filters": filters} if filters else {})}
    return OrderExport.objects.create(store=store, parameters=parameters)


def _build(export, *, traced: bool) -> tuple[float, int]:
    """(seconds, tracemalloc peak in bytes, or 0 when not traced)."""
    from orders.voucherify.exports import order_export_build

    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    order_export_build(export_id=export.pk)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    export.refresh_from_db()
    if export.status != "DONE":
        raise SystemExit(f"export {export.pk} ended {export.status}: {export.error}")
    return seconds, peak


def _rss_peak() -> int:
    """The process's peak resident memory (VmHWM, Linux), in bytes; 0 when unknown."""
    try:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) * 1024
    except (OSError, StopIteration):
        return 0


def _rss_peak_reset() -> int:
    """Restart the peak from the current resident memory (Linux ≥ 4.0); the memory now, or 0."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return 0
    return _rss_peak()


def main() -> None:
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["PRIVATE_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="mookh-bench-export-")
    django_setup(bench_database_url("mookh_bench_voucherify_export"))
    from orders.voucherify.exports import FIELDS
    from orders.voucherify.formats import api_datetime
    from orders.voucherify.models import ApiOrder

    store = _store()
    started = time.monotonic()
    _orders_made(store, ORDERS)
    print(f"voucherify export: {ORDERS} orders made in {time.monotonic() - started:.1f} s; "
          f"all {len(FIELDS)} fields exported, newest first", flush=True)

    rss_before = _rss_peak_reset()
    export = _export(store)
    seconds, _ = _build(export, traced=False)
    rss = f"peak RSS {_rss_peak() / 1e6:.0f} MB (was {rss_before / 1e6:.0f} MB before)" if rss_before else ""
    rate = export.row_count / seconds
    print(f"  build          {export.row_count:>7} rows in {seconds:6.2f} s = {rate:6.0f} rows/s, "
          f"{export.file.size / 1e6:.1f} MB of CSV; {rss}", flush=True)

    newest_tenth = ApiOrder.objects.filter(store=store).order_by("-created_at").values_list(
        "created_at", flat=True)[ORDERS // 10]
    for label, filters in (("traced", None),
                           ("traced, 1/10", {"created_at": {"conditions": {"$after": api_datetime(newest_tenth)}}})):
        export = _export(store, filters)
        seconds, peak = _build(export, traced=True)
        print(f"  {label:<14} {export.row_count:>7} rows in {seconds:6.2f} s, tracemalloc peak {peak / 1e6:6.2f} MB",
              flush=True)


if __name__ == "__main__":
    main()
