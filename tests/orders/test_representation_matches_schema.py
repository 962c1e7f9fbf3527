"""The order is declared once for the schema (serializers) and rendered by plain dict builders
(representation.py, the sale's hot path): every answer must be exactly what the schema says."""
import copy

import jsonschema
import pytest
from decimal import Decimal

from orders.models import Order
from stores.models import Album
from tests.conftest import client_for
from tests.factories.stores import MediaFileFactory
from tests.orders.conftest import order_body, ticket_create

pytestmark = pytest.mark.django_db


def _strict(schema):
    """OpenAPI 3.0 → JSON Schema: `nullable` becomes a null type, and objects with declared
    properties admit no others (a rendered key the schema does not declare is an error)."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if node.pop("nullable", False):
                node = {"anyOf": [node, {"type": "null"}]}
                walk(node["anyOf"][0])
                return node
            for key, value in list(node.items()):
                node[key] = walk(value)
            if node.get("type") == "object" and "properties" in node:
                node.setdefault("additionalProperties", False)
            return node
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(schema)


@pytest.fixture(scope="module")
def schemas(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        document = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = _strict(document["components"]["schemas"])
    return components


def _validator(schemas, name):
    root = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": schemas}}
    return jsonschema.Draft202012Validator(root)


@pytest.fixture
def shapes(api, catalog, settings, tmp_path):
    """Orders of every shape, rendered as the API answers them: created, read, listed."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    MediaFileFactory(album=catalog.album, title="Intro")
    free_album = Album.objects.create(store=catalog.store, media_type=catalog.album.media_type, name="Free EP",
                                      prices={"KES": "0.00"}, is_published=True)
    MediaFileFactory(album=free_album, title="Side A")
    ticket_create(catalog.event, "Early", "100.00", quantity=10)
    agent = client_for(catalog.agent)
    bodies = [
        (api, order_body((catalog.vvip, 1), (catalog.album, 1))),                                 # pending, mixed
        (api, order_body((catalog.vvip, 2), payment_installments=2)),                             # installments
        (agent, order_body({"item_id": str(catalog.regular.pk), "type_name": "store.ticket", "item_quantity": 2,
                            "ticket_names": ["Amina"]}, payment_method="CASH", is_gate_purchase=True)),  # paid, POS
        (api, order_body((free_album, 1))),                                                       # paid, album
    ]
    created = []
    for client, body in bodies:
        response = client.post("/stores/orders/", body, format="json")
        assert response.status_code == 201, response.json()
        created.append(Order.objects.get(order_number=response.json()["order_number"]))
    read = [api.get(f"/stores/orders/{order.pk}/").json() for order in created]
    listed = client_for(catalog.owner).get("/stores/orders/?page_size=100").json()["results"]
    return read + listed


def test_every_order_answer_matches_the_declared_schema(schemas, shapes):
    validator = _validator(schemas, "Order")
    for order in shapes:
        errors = sorted(validator.iter_errors(order), key=str)
        assert not errors, f"{order['order_number']}: {[error.message for error in errors]}"


def test_every_declared_field_is_rendered_when_orders_of_every_shape_exist(schemas, shapes):
    order_fields = set(schemas["Order"]["properties"])
    assert all(set(order) == order_fields for order in shapes)
    for type_name, component in (("store.ticket", "TicketOrderLine"), ("digital_content.album", "AlbumOrderLine")):
        lines = [line for order in shapes for line in order["order_detail"] if line["type_name"] == type_name]
        assert lines and all(set(line) == set(schemas[component]["properties"]) for line in lines), type_name


def test_paid_shapes_carry_ticket_files_and_media_links(shapes):
    lines = [line for order in shapes if order["order_status"] == "PAID" for line in order["order_detail"]]
    assert any(line.get("ticket_files") for line in lines) and any(line.get("media_files") for line in lines)
    assert Order.objects.filter(order_amount=Decimal("0.00"), status="PAID").exists()
