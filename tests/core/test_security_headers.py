"""HTML pages get a Content-Security-Policy; X-Forwarded-Proto is believed only behind configured proxies."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories.stores import StoreTypeFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_browsable_api_page_may_load_its_own_static_scripts_when_html(api):
    response = api.get("/stores/store_type/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_admin_keeps_working_when_pages_bring_their_own_scripts(admin_client):
    admin_page = admin_client.get("/admin/")
    assert admin_page.status_code == 200 and "Content-Security-Policy" not in admin_page


def _next_page_link(api) -> str:
    StoreTypeFactory(name="events")
    StoreTypeFactory(name="music")
    response = api.get("/stores/store_type/", {"page_size": 1}, HTTP_X_FORWARDED_PROTO="https")
    return response.json()["next"]


def test_forwarded_proto_ignored_when_no_proxy_configured(api):
    assert _next_page_link(api).startswith("http://testserver/")


def test_forwarded_proto_trusted_when_proxy_header_configured(api, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert _next_page_link(api).startswith("https://testserver")


def _settings_with(environment: dict) -> dict:
    code = ("import json; from django.conf import settings; print(json.dumps({"
            "'header': getattr(settings, 'SECURE_PROXY_SSL_HEADER', None),"
            "'drf': settings.REST_FRAMEWORK.get('NUM_PROXIES')}))")
    env = {key: value for key, value in os.environ.items() if key != "NUM_PROXIES"}
    env.update(DJANGO_SETTINGS_MODULE="mookh.settings", **environment)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_proxy_headers_trusted_only_when_num_proxies_set():
    assert _settings_with({"DEBUG": "0"}) == {"header": None, "drf": 0}
    assert _settings_with({"DEBUG": "0", "NUM_PROXIES": "1"}) == {"header": ["HTTP_X_FORWARDED_PROTO", "https"],
                                                                 "drf": 1}
