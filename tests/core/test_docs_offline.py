"""The API documentation works without internet: Swagger UI comes from this server's static files,
under a policy that lets only this server's scripts run; the order-create answers are all described."""
import re

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _assets(page: str) -> list[str]:
    return re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)


def test_docs_load_swagger_ui_from_this_server_when_offline(api, settings, tmp_path):
    page = api.get("/api/docs/")
    assert page.status_code == 200
    assets = _assets(page.content.decode())
    assert any(url.endswith("swagger-ui-bundle.js") for url in assets)
    assert all(url.startswith(("/static/", "/api/docs/")) for url in assets), assets

    # As in production: collectstatic, then WhiteNoise serves the files (gunicorn serves none).
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", "--noinput", "-v0")
    server = APIClient()
    for url in assets:
        response = server.get(url)
        assert response.status_code == 200, url
        assert b"".join(response.streaming_content if response.streaming else [response.content])


def test_docs_policy_lets_only_this_servers_scripts_run_when_docs_served(api):
    page = api.get("/api/docs/")
    policy = dict(part.strip().split(" ", 1) for part in page["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert "frame-ancestors" in policy and "https:" not in page["Content-Security-Policy"]
    [script_url] = [url for url in _assets(page.content.decode()) if url.startswith("/api/docs/")]
    script = api.get(script_url)
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_order_create_documents_link_and_card_form_answers_when_schema_generated(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    created = schema["paths"]["/stores/orders/"]["post"]["responses"]["201"]["content"]["application/json"]
    components = schema["components"]["schemas"]
    shapes = [components[choice["$ref"].rsplit("/", 1)[1]] for choice in components[
        created["schema"]["$ref"].rsplit("/", 1)[1]]["oneOf"]]
    properties = [set(shape["properties"]) for shape in shapes]
    assert {"link", "order_number", "currency_code"} <= properties[1]
    assert {"pay_response", "order_number"} <= properties[2]
    assert {"order_status", "order_detail", "payment"} <= properties[0]
    examples = created["examples"]
    assert len(examples) == 4
    assert not [name for name, example in examples.items() if "seed" in str(example).lower()]
