"""Each request is one JSON log line (method, path, status, duration, user id, request id), the
request id comes from a plain X-Request-ID or is made here, and every line logged while the request
is served carries it."""
import io
import json
import logging
import os
import subprocess
import sys
import uuid

import pytest
from rest_framework.test import APIClient
from structlog.stdlib import ProcessorFormatter

from tests.conftest import client_for
from tests.core.settings_probe import ROOT
from tests.orders.conftest import Catalog, order_body

pytestmark = pytest.mark.django_db
REQUEST_LINES = "django_structlog.middlewares.request"


@pytest.fixture
def catalog(db):
    return Catalog()


@pytest.fixture
def log_lines(caplog):
    """What the project's log formatter writes, as it is logged, for records at INFO and above (as dicts)."""
    project = next(handler.formatter for handler in logging.getLogger().handlers
                   if isinstance(handler.formatter, ProcessorFormatter))
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(project)
    logging.getLogger().addHandler(handler)
    try:
        with caplog.at_level(logging.INFO):
            yield lambda: [json.loads(line) for line in written.getvalue().splitlines()]
    finally:
        logging.getLogger().removeHandler(handler)


def _request_lines(lines) -> list[dict]:
    return [line for line in lines if line["logger"] == REQUEST_LINES]


def test_request_is_one_json_line_with_its_fields_when_a_user_is_signed_in(log_lines, user):
    response = client_for(user).get(f"/users/user/{user.pk}/", HTTP_X_REQUEST_ID="checkout-7f3a.42")
    assert response.status_code == 200
    [line] = _request_lines(log_lines())
    assert line["event"] == "request_finished" and line["level"] == "info"
    assert (line["method"], line["path"], line["status"]) == ("GET", f"/users/user/{user.pk}/", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] == str(user.pk) and line["request_id"] == "checkout-7f3a.42"
    assert response["X-Request-ID"] == "checkout-7f3a.42"
    assert line["ip"] == "127.0.0.1" and line["timestamp"].endswith("Z")


def test_unknown_path_is_one_line_without_query_string_when_anonymous(api, log_lines):
    response = api.get("/nothing-here/", {"email": "jane@doe.com"})
    assert response.status_code == 404
    lines = log_lines()
    [line] = _request_lines(lines)
    assert (line["path"], line["status"], line["user_id"], line["level"]) == ("/nothing-here/", 404, None, "warning")
    assert len(lines) == 1  # Django's own "Not Found" line is not repeated
    assert "jane@doe.com" not in json.dumps(lines)


@pytest.mark.parametrize("hostile", [
    "a" * 129,
    "abc\x00def",
    "abc\r\nX-Injected: 1",
    "line\nbreak",
    "réquest-ïd",
    "with space",
    '"quoted"',
    "",
])
def test_request_id_replaced_by_a_new_one_when_the_given_one_is_hostile(api, log_lines, hostile):
    response = api.get("/nothing-here/", HTTP_X_REQUEST_ID=hostile)
    request_id = response["X-Request-ID"]
    assert request_id != hostile and str(uuid.UUID(request_id)) == request_id
    [line] = _request_lines(log_lines())
    assert line["request_id"] == request_id


def test_request_id_made_when_none_is_given_and_differs_per_request(api):
    first, second = api.get("/nothing-here/"), api.get("/nothing-here/")
    assert uuid.UUID(first["X-Request-ID"]) != uuid.UUID(second["X-Request-ID"])


def test_service_log_lines_carry_the_request_id_when_an_order_is_placed(api, catalog, log_lines):
    response = api.post("/stores/orders/", order_body((catalog.regular, 1)), format="json",
                        HTTP_X_REQUEST_ID="place-order-1")
    assert response.status_code == 201, response.json()
    lines = log_lines()
    [placed] = [line for line in lines if line["event"].startswith("placed order")]
    assert placed["logger"] == "orders.services.placement" and placed["request_id"] == "place-order-1"
    [request_line] = _request_lines(lines)
    assert request_line["request_id"] == "place-order-1" and request_line["status"] == 201


def test_callback_token_not_logged_when_a_callback_arrives(api, log_lines):
    response = api.post("/payments/callbacks/mpesa/not-the-token-3f9c/", {"Body": {}}, format="json")
    assert response.status_code == 401
    lines = log_lines()
    [line] = _request_lines(lines)
    assert line["path"] == "/payments/callbacks/mpesa/[redacted]/"
    assert "not-the-token-3f9c" not in json.dumps(lines)


def _logged_by_a_new_process(environment: dict) -> str:
    code = ("import django, logging; django.setup(); "
            "logging.getLogger('orders.services.placement').warning('placed order %s', 'ABC234')")
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "mookh.settings",
           "ENV_FILE": os.devnull, "SECRET_KEY": "s" * 40, **environment}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_lines_are_json_when_debug_off_and_plain_text_when_asked():
    line = json.loads(_logged_by_a_new_process({"DEBUG": "0"}))
    assert line["event"] == "placed order ABC234" and line["level"] == "warning"
    plain = _logged_by_a_new_process({"DEBUG": "0", "LOG_FORMAT": "plain"})
    assert "placed order ABC234" in plain and "[warning" in plain and not plain.startswith("{")
    assert not _logged_by_a_new_process({"DEBUG": "1"}).startswith("{")


@pytest.mark.urls("tests.core.urls_failing")
def test_unhandled_error_is_one_line_with_its_traceback_when_a_view_fails(log_lines):
    client = APIClient(raise_request_exception=False)
    response = client.get("/stores/failing/", HTTP_X_REQUEST_ID="failing-1")
    assert response.status_code == 500 and response["X-Request-ID"] == "failing-1"
    [line] = log_lines()
    assert (line["event"], line["level"], line["status"], line["request_id"]) == (
        "request_failed", "error", 500, "failing-1")
    assert "RuntimeError: unexpected" in line["exception"] and line["duration_ms"] >= 0
