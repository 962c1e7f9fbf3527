"""Agents join a store by accepting the owner's invitation; inviting reveals nothing about the address."""
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import OutboxMessage
from stores.models import StoreAgent, StoreAgentInvitation
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.factories.stores import StoreAgentFactory

pytestmark = pytest.mark.django_db

INVITATIONS = "/users/invitations/"


def agents_path(store):
    return f"/stores/store/{store.id}/agents/"


def roles_of(user):
    return set(user.groups.values_list("name", flat=True))


def invite(owner, store, email):
    return client_for(owner).post(agents_path(store), {"email": email})


def invitation_of(store, email) -> StoreAgentInvitation:
    return StoreAgentInvitation.objects.get(store=store, email=email.lower())


def accept(user, invitation):
    return client_for(user).post(f"{INVITATIONS}{invitation.id}/accept/")


def decline(user, invitation):
    return client_for(user).post(f"{INVITATIONS}{invitation.id}/decline/")


# --- inviting ---

@pytest.mark.parametrize("kind", ["unknown", "unverified", "inactive", "verified", "agent", "invited"])
def test_invite_answers_202_with_the_same_body_whatever_the_address_when_owner_invites(owner, store, agent, kind):
    addresses = {
        "unknown": "nobody@example.com",
        "unverified": UserFactory(is_verified=False).email,
        "inactive": UserFactory(is_active=False).email,
        "verified": UserFactory().email,
        "agent": agent.email,
        "invited": "twice@example.com",
    }
    if kind == "invited":
        invite(owner, store, addresses[kind])
    reference = invite(owner, store, "someone-else@example.com")
    response = invite(owner, store, addresses[kind])
    assert response.status_code == 202, response.content
    assert response.json() == reference.json()
    assert set(response.json()) == {"detail"}


def test_invite_makes_nobody_an_agent_when_address_has_a_verified_account(owner, store):
    newcomer = UserFactory(email="gate@example.com")
    invite(owner, store, "Gate@Example.com")
    assert not StoreAgent.objects.filter(user=newcomer).exists()
    assert "store_agent" not in roles_of(newcomer)
    assert invitation_of(store, "gate@example.com").status == "PENDING"


def test_invite_emails_a_link_to_the_invitations_when_address_has_an_account(
        owner, store, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.STOREFRONT_URL = "https://shop.example.com"
    UserFactory(email="gate@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        invite(owner, store, "GATE@example.com")
    [mail] = mailoutbox
    assert mail.to == ["gate@example.com"]
    assert store.store_name in mail.subject
    assert "https://shop.example.com/users/invitations/" in mail.body
    assert owner.email not in mail.body


def test_invite_emails_an_invitation_to_register_when_address_has_no_account(
        owner, store, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(owner, store, "new@example.com")
    assert response.status_code == 202
    [mail] = mailoutbox
    assert mail.to == ["new@example.com"]
    assert "create a Mookh account" in mail.body
    assert invitation_of(store, "new@example.com").status == "PENDING"


def test_invite_sends_nothing_again_when_an_invitation_is_pending(owner, store):
    for _ in range(3):
        assert invite(owner, store, "gate@example.com").status_code == 202
    assert StoreAgentInvitation.objects.filter(store=store).count() == 1
    assert OutboxMessage.objects.filter(template="agent_invitation").count() == 1


def test_invite_renewed_and_sent_again_when_the_pending_one_expired(owner, store):
    invite(owner, store, "gate@example.com")
    StoreAgentInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert invite(owner, store, "gate@example.com").status_code == 202
    invitation = invitation_of(store, "gate@example.com")
    assert invitation.expires_at > timezone.now() + timedelta(days=6)
    assert OutboxMessage.objects.filter(template="agent_invitation").count() == 2


def test_invite_sends_nothing_when_address_is_already_an_agent(owner, store, agent):
    invite(owner, store, agent.email.upper())
    assert not StoreAgentInvitation.objects.exists()
    assert not OutboxMessage.objects.filter(template="agent_invitation").exists()


def test_invitation_expires_seven_days_after_it_is_sent_when_created(owner, store):
    invite(owner, store, "gate@example.com")
    invitation = invitation_of(store, "gate@example.com")
    assert invitation.expires_at - invitation.created == pytest.approx(timedelta(days=7), abs=timedelta(seconds=5))


@pytest.mark.parametrize("email", ["not-an-email", ""])
def test_invite_rejected_naming_email_when_not_an_address(owner, store, email):
    response = invite(owner, store, email)
    assert response.status_code == 400
    assert "email" in response.json()
    assert not StoreAgentInvitation.objects.exists()


@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("other_owner", 404), ("agent", 403),
                                            ("super_admin", 202)])
def test_invite_refused_unless_owner_or_super_admin(clients, store, role, expected):
    response = clients[role].post(agents_path(store), {"email": "gate@example.com"})
    assert response.status_code == expected
    assert StoreAgentInvitation.objects.filter(email="gate@example.com").exists() is (expected == 202)


def test_invite_throttled_with_429_when_an_owner_sends_too_many(owner, store):
    client = client_for(owner)
    for number in range(60):
        assert client.post(agents_path(store), {"email": f"gate{number}@example.com"}).status_code == 202
    assert client.post(agents_path(store), {"email": "one-more@example.com"}).status_code == 429


# --- the invited user's side ---

def test_invited_user_lists_the_invitation_without_the_inviters_email_when_signed_in(owner, store):
    newcomer = UserFactory(email="gate@example.com")
    invite(owner, store, "Gate@Example.com")
    body = client_for(newcomer).get(INVITATIONS).json()
    assert body["count"] == 1
    [row] = body["results"]
    assert set(row) >= {"id", "store", "store_name", "invited_by_name", "created", "expires_at"}
    assert (row["store"], row["store_name"]) == (str(store.id), store.store_name)
    assert row["invited_by_name"] == owner.full_name
    assert owner.email not in str(body)


def test_invitation_listed_when_the_account_email_differs_in_case(owner, store):
    newcomer = UserFactory(email="gate@example.com")
    invite(owner, store, "GATE@EXAMPLE.COM")
    assert client_for(newcomer).get(INVITATIONS.rstrip("/")).json()["count"] == 1


@pytest.mark.parametrize("state", ["expired", "declined", "someone_else", "unverified"])
def test_invitation_not_listed_when_it_cannot_be_accepted(owner, store, state):
    user = UserFactory(email="gate@example.com", is_verified=state != "unverified")
    invite(owner, store, "other@example.com" if state == "someone_else" else user.email)
    if state == "expired":
        StoreAgentInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    if state == "declined":
        decline(user, invitation_of(store, user.email))
    assert client_for(user).get(INVITATIONS).json()["count"] == 0


def test_invitations_list_refused_with_401_when_anonymous(api):
    assert api.get(INVITATIONS).status_code == 401


def test_invited_user_becomes_agent_with_role_when_accepting(owner, store):
    newcomer = UserFactory(email="gate@example.com")
    invite(owner, store, newcomer.email)
    response = accept(newcomer, invitation_of(store, newcomer.email))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ACCEPTED"
    assert StoreAgent.objects.filter(store=store, user=newcomer).exists()
    assert "store_agent" in roles_of(newcomer)
    assert client_for(newcomer).get(f"/stores/store/{store.id}/").status_code == 200
    assert client_for(owner).get(agents_path(store)).json()["results"][0]["user"] == str(newcomer.id)


def test_accept_answers_the_same_when_repeated_or_already_an_agent(owner, store):
    newcomer = UserFactory()
    invite(owner, store, newcomer.email)
    invitation = invitation_of(store, newcomer.email)
    StoreAgentFactory(store=store, user=newcomer)
    assert accept(newcomer, invitation).status_code == 200
    assert accept(newcomer, invitation).status_code == 200
    assert StoreAgent.objects.filter(store=store, user=newcomer).count() == 1


def test_account_registered_after_the_invitation_can_accept_when_verified(owner, store):
    invite(owner, store, "later@example.com")
    newcomer = UserFactory(email="later@example.com")
    [row] = client_for(newcomer).get(INVITATIONS).json()["results"]
    assert client_for(newcomer).post(f"{INVITATIONS}{row['id']}/accept").status_code == 200
    assert StoreAgent.objects.filter(store=store, user=newcomer).exists()


@pytest.mark.parametrize("answer", [accept, decline])
def test_answer_is_404_when_the_invitation_is_addressed_to_someone_else(owner, store, answer):
    invited = UserFactory()
    invite(owner, store, invited.email)
    intruder = UserFactory()
    response = answer(intruder, invitation_of(store, invited.email))
    assert response.status_code == 404
    assert not StoreAgent.objects.filter(user=intruder).exists()
    assert invitation_of(store, invited.email).status == "PENDING"


def test_accept_is_404_when_the_account_is_unverified(owner, store):
    unverified = UserFactory(is_verified=False)
    invite(owner, store, unverified.email)
    assert accept(unverified, invitation_of(store, unverified.email)).status_code == 404
    assert not StoreAgent.objects.filter(user=unverified).exists()


def test_accept_refused_with_409_when_the_invitation_expired(owner, store):
    newcomer = UserFactory()
    invite(owner, store, newcomer.email)
    StoreAgentInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = accept(newcomer, invitation_of(store, newcomer.email))
    assert response.status_code == 409
    assert response.json()["code"] == "invitation_expired"
    assert not StoreAgent.objects.filter(user=newcomer).exists()


def test_decline_keeps_user_out_and_accept_then_refused_when_declined(owner, store):
    newcomer = UserFactory()
    invite(owner, store, newcomer.email)
    invitation = invitation_of(store, newcomer.email)
    response = decline(newcomer, invitation)
    assert (response.status_code, response.json()["status"]) == (200, "DECLINED")
    assert decline(newcomer, invitation).status_code == 200
    response = accept(newcomer, invitation)
    assert (response.status_code, response.json()["code"]) == (409, "invitation_not_pending")
    assert not StoreAgent.objects.filter(user=newcomer).exists()
    assert "store_agent" not in roles_of(newcomer)


def test_owner_can_invite_again_when_the_earlier_invitation_was_declined(owner, store):
    newcomer = UserFactory()
    invite(owner, store, newcomer.email)
    decline(newcomer, invitation_of(store, newcomer.email))
    invite(owner, store, newcomer.email)
    pending = StoreAgentInvitation.objects.get(store=store, status="PENDING")
    assert accept(newcomer, pending).status_code == 200


def test_removing_an_agent_withdraws_their_pending_invitation_when_one_exists(owner, store):
    newcomer = UserFactory()
    invite(owner, store, newcomer.email)
    invitation = invitation_of(store, newcomer.email)
    StoreAgentFactory(store=store, user=newcomer)  # made an agent meanwhile (e.g. in the admin)
    assert client_for(owner).delete(f"{agents_path(store)}{newcomer.id}/").status_code == 204
    response = accept(newcomer, invitation)
    assert (response.status_code, response.json()["code"]) == (409, "invitation_not_pending")
    assert not StoreAgent.objects.filter(user=newcomer).exists()


# --- listing and removing agents ---

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
                                            ("super_admin", 200)])
def test_agent_list_refused_unless_owner_or_super_admin(clients, store, role, expected):
    assert clients[role].get(agents_path(store)).status_code == expected


@pytest.mark.parametrize("role, expected", [("other_owner", 404), ("agent", 403)])
def test_remove_agent_refused_unless_owner(clients, store, agent, role, expected):
    assert clients[role].delete(f"{agents_path(store)}{agent.id}/").status_code == expected
    assert StoreAgent.objects.filter(store=store, user=agent).exists()
