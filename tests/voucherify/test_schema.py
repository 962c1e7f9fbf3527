"""The /v1 operations and the API key endpoints are in the OpenAPI schema, without warnings."""
import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("/v1/orders", "get"): "list_orders", ("/v1/orders", "post"): "create_order",
    ("/v1/orders/{order_id}", "get"): "get_order", ("/v1/orders/{order_id}", "put"): "update_order",
    ("/v1/orders/import", "post"): "import_orders", ("/v1/orders/export", "post"): "create_order_export",
    ("/v1/async-actions/{action_id}", "get"): "get_async_action", ("/v1/exports/{export_id}", "get"): "get_export",
}


def test_schema_lists_every_v1_operation_with_the_store_key_security():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    for (path, method), operation_id in OPERATIONS.items():
        operation = schema["paths"][path][method]
        assert operation["operationId"] == operation_id
        assert operation["security"] == [{"X-App-Id": [], "X-App-Token": []}]
    assert schema["components"]["securitySchemes"]["X-App-Token"] == {
        "type": "apiKey", "in": "header", "name": "X-App-Token",
        "description": "The key's secret token, shown once when the key was created."}
    order = schema["components"]["schemas"]["ApiOrderOutput"]["properties"]
    assert order["status"]["$ref"].endswith("/ApiOrderStatusEnum") and order["amount"]["type"] == "integer"
    assert {"get", "post"} <= set(schema["paths"]["/stores/store/{store_pk}/api_keys/"])


def test_schema_generation_warns_about_nothing_of_v1_when_generated(capsys, tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--file", str(tmp_path / "schema.yaml"))

    warnings = [line for line in capsys.readouterr().err.splitlines()
                if "voucherify" in line or "api_keys" in line or "Api" in line]
    assert not warnings
