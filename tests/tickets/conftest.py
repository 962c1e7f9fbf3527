from decimal import Decimal

import pytest

from orders.models import Order
from payments.services import payment_apply
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.factories.stores import MediaFileFactory
from tests.orders.conftest import Catalog, order_body, store_create

# A fixed signing key for tests only (base64 of a raw 32-byte Ed25519 seed).
TEST_SIGNING_KEY = "jk92sb4MsBpHaB6BHr+7nD/6+KDczhR5EcWD64aP/dA="


@pytest.fixture(autouse=True)
def _ticket_signing_key(settings, tmp_path):
    """Tests sign with a known key; uploads land in this test's own directory."""
    settings.TICKET_SIGNING_KEY = TEST_SIGNING_KEY
    settings.TICKET_VERIFY_KEYS = []
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"


@pytest.fixture
def catalog(db):
    catalog = Catalog()
    catalog.tracks = [MediaFileFactory(album=catalog.album, title="Intro", position=0),
                      MediaFileFactory(album=catalog.album, title="Outro", position=1)]
    return catalog


def place(api, *lines, **fields) -> Order:
    response = api.post("/stores/orders/", order_body(*lines, **fields), format="json")
    assert response.status_code == 201, response.json()
    return Order.objects.get(pk=response.json()["id"])


def pay(order: Order, reference: str = "PAY-1") -> Order:
    order.refresh_from_db()
    payment_apply(order_id=order.pk, amount=Decimal(order.order_balance), currency=order.currency,
                  provider="mpesa", reference=reference)
    order.refresh_from_db()
    return order


@pytest.fixture
def paid_order(api, catalog):
    """2 VVIP (one named) and 1 Regular, paid."""
    order = place(api, {"item_id": str(catalog.vvip.pk), "type_name": "store.ticket", "item_quantity": 2,
                        "ticket_names": ["Amina Njeri"]}, (catalog.regular, 1))
    return pay(order)


@pytest.fixture
def gates(catalog):
    """Clients by role around the catalog's store: its owner, its agent, another store's agent."""
    other_agent = UserFactory(roles=["store_agent"])
    other_store = store_create(owner=UserFactory(roles=["store_owner"]))
    other_store.agents.create(user=other_agent)
    return {"owner": client_for(catalog.owner), "agent": client_for(catalog.agent),
            "other_agent": client_for(other_agent)}
