"""/stores/store/{id}/api_keys/: the owner issues (token shown once, kept hashed), lists and revokes
keys; X-App-Id + X-App-Token authenticate /v1 as that store, and nothing else does."""
import hashlib

import pytest
from rest_framework.test import APIClient

from stores.models import StoreApiKey
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.factories.stores import StoreAgentFactory, StoreFactory
from tests.voucherify.conftest import create

pytestmark = pytest.mark.django_db


def _keys_url(store) -> str:
    return f"/stores/store/{store.pk}/api_keys/"


def test_owner_creates_a_key_whose_token_is_shown_once_and_stored_hashed(store):
    response = client_for(store.owner).post(_keys_url(store), {"name": "shop"}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "shop" and body["app_id"] and len(body["app_token"]) >= 40
    key = StoreApiKey.objects.get(app_id=body["app_id"])
    assert key.token_digest == hashlib.sha256(body["app_token"].encode()).hexdigest()
    assert body["app_token"] not in str(StoreApiKey.objects.values().get())
    listed = client_for(store.owner).get(_keys_url(store)).json()
    assert [entry["app_id"] for entry in listed] == [body["app_id"]] and "app_token" not in listed[0]


def test_key_authenticates_v1_as_its_store_until_it_is_revoked(store):
    body = client_for(store.owner).post(_keys_url(store), {"name": "shop"}, format="json").json()
    client = APIClient()
    client.credentials(HTTP_X_APP_ID=body["app_id"], HTTP_X_APP_TOKEN=body["app_token"])
    assert create(client, {"source_id": "k-1"}).status_code == 200

    revoked = client_for(store.owner).delete(f"{_keys_url(store)}{body['id']}/")

    assert revoked.status_code == 204
    assert create(client, {"source_id": "k-2"}).status_code == 401
    assert client_for(store.owner).get(_keys_url(store)).json() == []
    assert StoreApiKey.objects.get().revoked_at is not None


def test_other_owners_get_404_and_agents_403_when_they_manage_a_stores_keys(store):
    stranger = UserFactory(roles=["store_owner"])
    StoreFactory(owner=stranger)
    agent = StoreAgentFactory(store=store).user

    for client, status in ((client_for(stranger), 404), (client_for(agent), 403)):
        assert client.get(_keys_url(store)).status_code == status
        assert client.post(_keys_url(store), {"name": "mine"}, format="json").status_code == status
    assert not StoreApiKey.objects.exists()


def test_anonymous_callers_get_401_when_they_manage_keys(store):
    assert APIClient().get(_keys_url(store)).status_code == 401
    assert APIClient().post(_keys_url(store), {"name": "x"}, format="json").status_code == 401


def test_a_key_of_one_store_sees_nothing_of_another_store(merchant, v1):
    from tests.voucherify.conftest import Merchant

    other = Merchant()
    theirs = create(other.client(), {"source_id": "theirs"}).json()

    assert v1.get(f"/v1/orders/{theirs['id']}").status_code == 404
    assert v1.get("/v1/orders/theirs").status_code == 404
    assert v1.get("/v1/orders").json()["total"] == 0
    # The same source_id is another order in this store.
    assert create(v1, {"source_id": "theirs"}).json()["id"] != theirs["id"]


@pytest.mark.parametrize("headers", [
    {}, {"HTTP_X_APP_ID": "only-the-id"}, {"HTTP_X_APP_TOKEN": "only-the-token"},
    {"HTTP_X_APP_ID": "no-such-app", "HTTP_X_APP_TOKEN": "x"},
])
def test_v1_answers_401_before_any_lookup_when_credentials_are_missing_or_unknown(merchant, headers):
    response = APIClient().get("/v1/orders/ord_does_not_exist", **headers)

    assert response.status_code == 401
    body = response.json()
    assert (body["code"], body["key"]) == (401, "unauthorized") and body["request_id"] == response["X-Request-ID"]
    assert response["WWW-Authenticate"]


def test_v1_answers_401_when_the_token_belongs_to_another_key(merchant):
    from tests.voucherify.conftest import Merchant

    other = Merchant()
    response = merchant.client(token=other.app_token).get("/v1/orders")

    assert response.status_code == 401


def test_store_has_at_most_20_working_keys_when_owner_keeps_adding(store):
    owner = client_for(store.owner)
    for n in range(20):
        assert owner.post(_keys_url(store), {"name": f"k{n}"}, format="json").status_code == 201

    response = owner.post(_keys_url(store), {"name": "one more"}, format="json")

    assert response.status_code == 409 and response.json()["code"] == "api_key_limit"
