"""POST /v1/orders/export, GET /v1/exports/{id} and the CSV download: built by a task into
storage, the requested columns in the requested order, filters applied, cells made safe."""
import csv
import io
from urllib.parse import urlsplit

import pytest

from orders.voucherify.models import OrderExport
from tests.voucherify.conftest import create

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(v1):
    for n, (source_id, status) in enumerate([("a", "CREATED"), ("b", "PAID"), ("c", "PAID"), ("d", "CANCELED")]):
        create(v1, {"source_id": source_id, "status": status, "amount": 1000 * (n + 1),
                    "metadata": {"shop": "east" if n % 2 else "west"}})


def _export(client, committed, parameters=None) -> dict:
    with committed():
        response = client.post("/v1/orders/export", {"parameters": parameters} if parameters else {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "SCHEDULED"
    done = client.get(f"/v1/exports/{response.json()['id']}").json()
    assert done["status"] == "DONE", done
    return done


def _download(client, export: dict) -> tuple[object, list[list[str]]]:
    url = urlsplit(export["result"]["url"])
    response = client.get(f"{url.path}?{url.query}", HTTP_ACCEPT="text/plain")
    text = b"".join(response.streaming_content).decode() if response.status_code == 200 else ""
    return response, list(csv.reader(io.StringIO(text)))


def test_default_export_has_id_source_id_and_status_when_no_fields_are_given(v1, orders, committed):
    export = _export(v1, committed)

    response, rows = _download(v1, export)
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    assert rows[0] == ["id", "source_id", "status"]
    assert [row[1:] for row in rows[1:]] == [["d", "CANCELED"], ["c", "PAID"], ["b", "PAID"], ["a", "CREATED"]]
    assert export["parameters"] == {"fields": ["id", "source_id", "status"], "order": "-created_at"}


def test_export_applies_fields_order_and_filters_when_given(v1, orders, committed):
    export = _export(v1, committed, {"fields": ["total_amount", "source_id"], "order": "created_at", "filters": {
        "status": {"conditions": {"$in": ["PAID", "CANCELED"]}}, "metadata.shop": {"conditions": {"$is": "east"}}}})

    assert _download(v1, export)[1] == [["total_amount", "source_id"], ["2000", "b"], ["4000", "d"]]


def test_export_filters_on_amounts_and_dates_when_asked(v1, orders, committed):
    export = _export(v1, committed, {"fields": ["source_id"], "order": "status", "filters": {
        "junction": "or", "amount": {"conditions": {"$more_than": 3000}},
        "created_at": {"conditions": {"$before": "2000-01-01T00:00:00Z"}}}})

    assert _download(v1, export)[1] == [["source_id"], ["d"]]


def test_download_needs_the_token_and_the_stores_key(v1, orders, committed, merchant):
    from tests.voucherify.conftest import Merchant

    export = _export(v1, committed)
    url = urlsplit(export["result"]["url"])

    assert v1.get(f"{url.path}?token=wrong", HTTP_ACCEPT="text/plain").json()["key"] == "unauthorized"
    assert merchant.client(token="wrong").get(f"{url.path}?{url.query}").status_code == 401
    assert Merchant().client().get(f"{url.path}?{url.query}").status_code == 404
    assert v1.get(f"{url.path}/download?{url.query}").status_code == 200


def test_cells_a_spreadsheet_would_run_are_escaped_when_exported(v1, committed):
    create(v1, {"source_id": "=HYPERLINK(\"http://x\")", "metadata": {"note": "+1"}})

    rows = _download(v1, _export(v1, committed, {"fields": ["source_id", "metadata"]}))[1]

    assert rows[1] == ["'=HYPERLINK(\"http://x\")", '{"note":"+1"}']


def test_export_file_is_kept_in_private_storage_when_done(v1, orders, committed, settings):
    export = _export(v1, committed)

    stored = OrderExport.objects.get(pk=export["id"])
    assert stored.row_count == 4 and stored.file.name.startswith("order_exports/")
    assert stored.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
