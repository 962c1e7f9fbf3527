import pytest

from stores.models import StoreAgent
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.factories.stores import StoreAgentFactory

pytestmark = pytest.mark.django_db


def agents_path(store):
    return f"/stores/store/{store.id}/agents/"


def roles_of(user):
    return set(user.groups.values_list("name", flat=True))


def test_owner_adds_agent_by_email_and_agent_gets_role(owner, store):
    newcomer = UserFactory(email="gate@example.com")
    response = client_for(owner).post(agents_path(store), {"email": "Gate@Example.com"})
    assert response.status_code == 201, response.content
    assert (response.json()["user"], response.json()["email"]) == (str(newcomer.id), "gate@example.com")
    assert StoreAgent.objects.filter(store=store, user=newcomer).exists()
    assert "store_agent" in roles_of(newcomer)


def test_agent_sees_store_catalog_when_added(owner, store):
    newcomer = UserFactory()
    client_for(owner).post(agents_path(store), {"email": newcomer.email})
    assert client_for(newcomer).get(f"/stores/store/{store.id}/").status_code == 200


@pytest.mark.parametrize("email", ["nobody@example.com", "not-an-email", ""])
def test_add_agent_rejected_naming_email_when_no_such_user(owner, store, email):
    response = client_for(owner).post(agents_path(store), {"email": email})
    assert response.status_code == 400
    assert "email" in response.json()
    assert not StoreAgent.objects.exists()


def test_add_agent_rejected_naming_email_when_user_unverified(owner, store):
    unverified = UserFactory(is_verified=False)
    response = client_for(owner).post(agents_path(store), {"email": unverified.email})
    assert response.status_code == 400
    assert "email" in response.json()
    assert not StoreAgent.objects.filter(user=unverified).exists()
    assert "store_agent" not in roles_of(unverified)


def test_add_agent_rejected_naming_email_when_already_an_agent(owner, store, agent):
    response = client_for(owner).post(agents_path(store), {"email": agent.email})
    assert response.status_code == 400
    assert "email" in response.json()
    assert StoreAgent.objects.filter(store=store, user=agent).count() == 1


def test_owner_lists_agents_paginated(owner, store, agent):
    body = client_for(owner).get(agents_path(store).rstrip("/")).json()
    assert body["count"] == 1
    assert body["results"][0]["user"] == str(agent.id)


@pytest.mark.parametrize("key", ["user", "agent"])
def test_owner_removes_agent_by_user_id_or_agent_id_and_role_goes(owner, store, agent, key):
    membership = StoreAgent.objects.get(store=store, user=agent)
    target = agent.id if key == "user" else membership.id
    response = client_for(owner).delete(f"{agents_path(store)}{target}/")
    assert response.status_code == 204
    assert not StoreAgent.objects.filter(pk=membership.pk).exists()
    assert "store_agent" not in roles_of(agent)
    assert client_for(agent).get(f"/stores/store/{store.id}/").status_code == 404


def test_removed_agent_keeps_role_when_still_agent_of_another_store(owner, store, agent):
    StoreAgentFactory(user=agent)
    client_for(owner).delete(f"{agents_path(store)}{agent.id}/")
    assert "store_agent" in roles_of(agent)


def test_remove_agent_is_404_when_user_not_an_agent_of_this_store(owner, store):
    assert client_for(owner).delete(f"{agents_path(store)}{UserFactory().id}/").status_code == 404


@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("other_owner", 404), ("agent", 403),
                                            ("super_admin", 201)])
def test_add_agent_refused_unless_owner_or_super_admin(clients, store, role, expected):
    newcomer = UserFactory()
    response = clients[role].post(agents_path(store), {"email": newcomer.email})
    assert response.status_code == expected
    assert StoreAgent.objects.filter(user=newcomer).exists() is (expected == 201)


@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("other_owner", 404), ("agent", 403),
                                            ("super_admin", 200)])
def test_agent_list_refused_unless_owner_or_super_admin(clients, store, role, expected):
    assert clients[role].get(agents_path(store)).status_code == expected


@pytest.mark.parametrize("role, expected", [("other_owner", 404), ("agent", 403)])
def test_remove_agent_refused_unless_owner(clients, store, agent, role, expected):
    assert clients[role].delete(f"{agents_path(store)}{agent.id}/").status_code == expected
    assert StoreAgent.objects.filter(store=store, user=agent).exists()
