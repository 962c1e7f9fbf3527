"""With SENTRY_DSN set, unexpected errors of requests and Celery tasks reach Sentry, carrying no
personal data. "Sentry" here is an HTTP server on 127.0.0.1 that keeps the envelopes it receives."""
import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.core.settings_probe import ROOT


class _Envelopes(BaseHTTPRequestHandler):
    received: list[bytes]

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            import brotli

            body = brotli.decompress(body)
        self.server.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Envelopes)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _events(received) -> list[dict]:
    """The error events of the envelopes (one JSON document a line: envelope header, item header, item)."""
    events = []
    for _path, body in received:
        for line in body.decode().splitlines():
            try:
                document = json.loads(line)
            except ValueError:
                continue
            if isinstance(document, dict) and "exception" in document:
                events.append(document)
    return events


def _exception(event) -> tuple[str, str, str]:
    value = event["exception"]["values"][-1]
    return value["type"], value["value"], value["mechanism"]["type"]


def test_unhandled_errors_reach_sentry_without_personal_data_when_dsn_set(sentry_server):
    port = sentry_server.server_address[1]
    env = {**os.environ, "SENTRY_DSN": f"http://public0key@127.0.0.1:{port}/42", "SENTRY_ENVIRONMENT": "ci",
           "PYTHONPATH": str(ROOT)}
    probe = subprocess.run([sys.executable, "tests/core/sentry_probe.py"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr
    assert "status 500" in probe.stdout

    assert {path for path, _ in sentry_server.received} == {"/api/42/envelope/"}
    events = {_exception(event): event for event in _events(sentry_server.received)}
    request_error = events[("RuntimeError", "unexpected", "django")]
    task_error = events[("ValueError", "a task that fails", "celery")]
    assert request_error["environment"] == "ci" and task_error["environment"] == "ci"
    assert request_error["request"]["url"] == "http://testserver/stores/failing/"
    assert not {"cookies", "data", "query_string"} & set(request_error["request"])
    assert "ip_address" not in request_error.get("user", {})
    assert request_error["tags"]["request_id"] == "probe-request-1"  # as on the request's log line

    everything = b"".join(body for _, body in sentry_server.received).decode()
    for personal in ("cookie-secret-value", "jane@doe.com", "198.51.100.7"):
        assert personal not in everything

