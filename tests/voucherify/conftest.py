"""A store with a catalogue and an API key; HTTP clients authenticated with it, and the official
voucherify SDK pointed at a live server."""
from functools import partial

import pytest
import voucherify
from django.db import connection
from rest_framework.test import APIClient

from stores import services as store_services
from tests.orders.conftest import Catalog


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    """Exports are written to (private) storage: a temporary directory per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"


class Merchant:
    """The orders conftest's store (tickets VVIP 4500.00 and Regular 1000.00, an album 1000.00)
    and an API key for it."""

    def __init__(self):
        self.catalog = Catalog()
        self.store = self.catalog.store
        issued = store_services.store_api_key_create(store=self.store, actor=self.catalog.owner, name="shop")
        self.app_id, self.app_token = issued.key.app_id, issued.app_token

    def client(self, *, token: str | None = None) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_X_APP_ID=self.app_id, HTTP_X_APP_TOKEN=token or self.app_token)
        return client

    def sdk(self, host: str, *, token: str | None = None) -> voucherify.ApiClient:
        configuration = voucherify.Configuration(host=host)
        configuration.api_key["X-App-Id"] = self.app_id
        configuration.api_key["X-App-Token"] = token or self.app_token
        return voucherify.ApiClient(configuration)


@pytest.fixture
def merchant(db):
    return Merchant()


@pytest.fixture
def merchant_live(live_server):
    """A merchant whose SDK clients talk to the live server at `merchant_live.host`.

    The server's threads close their database connection after each request (CONN_MAX_AGE 0):
    a thread serving a kept-alive SDK connection outlives the test, and its open database
    connection would stop the test database from being dropped."""
    settings_dict = connection.settings_dict
    max_age = settings_dict.get("CONN_MAX_AGE")
    settings_dict["CONN_MAX_AGE"] = 0
    merchant = Merchant()
    merchant.host = live_server.url
    yield merchant
    settings_dict["CONN_MAX_AGE"] = max_age


@pytest.fixture
def v1(merchant) -> APIClient:
    return merchant.client()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): …` runs, as the block ends, what would run once the test's transaction
    commits (it never does): the tasks that services queue with transaction.on_commit."""
    return partial(django_capture_on_commit_callbacks, execute=True)


def create(client: APIClient, body: dict | None = None, **extra):
    return client.post("/v1/orders", body if body is not None else {}, format="json", **extra)


def ticket_item(ticket, quantity: int = 1, **fields) -> dict:
    return {"product_id": str(ticket.pk), "quantity": quantity, **fields}
