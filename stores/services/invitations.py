"""Invitations to become a store's agent: the owner invites an address, the person behind it answers.

Nobody becomes an agent without accepting, and inviting tells the owner nothing about the address
(whether it has an account, is already an agent or already has a pending invitation).
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from mookh.core.errors import NotFound
from notifications.services import message_enqueue
from stores.errors import InvitationExpired, InvitationNotPending
from stores.models import Store, StoreAgent, StoreAgentInvitation
from stores.services.guards import store_manage_require
from stores.services.stores import store_agent_add
from users.selectors import user_get_by_email, user_or_none

logger = logging.getLogger(__name__)

Status = StoreAgentInvitation.Status
INVITATION_TTL = timedelta(days=7)
INVITATIONS_PATH = "/users/invitations/"


def invitation_ttl() -> timedelta:
    return getattr(settings, "STORE_AGENT_INVITATION_TTL", INVITATION_TTL)


@transaction.atomic
def store_agent_invite(*, store: Store, actor, email: str) -> None:
    """Invite `email` to become an agent of `store`, and email it a link to answer.

    Returns nothing, whatever the address: an existing agent (or the owner) is not invited, a
    pending invitation is left as it is (nothing is sent again), an expired pending one is renewed
    and sent again. An address without an account is invited too: the email asks them to register
    with it first, and the invitation waits for them.
    """
    store_manage_require(actor=actor, store=store)
    email = email.strip().lower()
    user = user_get_by_email(email)
    if user is not None and (user.pk == store.owner_id
                             or StoreAgent.objects.filter(store=store, user=user).exists()):
        return
    now = timezone.now()
    invitation = (StoreAgentInvitation.objects.select_for_update()
                  .filter(store=store, email=email, status=Status.PENDING).first())
    if invitation is not None and invitation.expires_at > now:
        return
    if invitation is None:
        try:
            with transaction.atomic():
                invitation = StoreAgentInvitation.objects.create(
                    store=store, email=email, invited_by=user_or_none(actor), expires_at=now + invitation_ttl())
        except IntegrityError:  # a concurrent request invited the same address first
            return
    else:
        invitation.invited_by, invitation.expires_at = user_or_none(actor), now + invitation_ttl()
        invitation.save(update_fields=["invited_by", "expires_at", "updated"])
    _invitation_email(invitation, has_account=user is not None)
    logger.info("store %s invited an agent (invitation %s)", store.pk, invitation.pk)


def _invitation_email(invitation: StoreAgentInvitation, *, has_account: bool) -> None:
    inviter = invitation.invited_by
    message_enqueue(
        channel="email", recipient=invitation.email, template="agent_invitation",
        context={
            "store_name": invitation.store.store_name,
            "inviter_name": inviter.full_name if inviter else "",
            "email": invitation.email,
            "has_account": has_account,
            "invitations_url": settings.STOREFRONT_URL.rstrip("/") + INVITATIONS_PATH,
            "expires_on": timezone.localtime(invitation.expires_at).strftime("%d %B %Y"),
        },
        dedupe_key=f"agent_invitation:{invitation.pk}:{invitation.expires_at.isoformat()}",
    )


def _invitation_lock(*, invitation_id, user) -> StoreAgentInvitation:
    """The invitation, row-locked, when it is addressed to `user` (a verified account); else 404."""
    invitation = None
    if user is not None and user.is_authenticated and user.is_active and user.is_verified:
        invitation = (StoreAgentInvitation.objects.select_for_update(of=("self",))
                      .select_related("store", "invited_by")
                      .filter(pk=invitation_id, email=user.email.lower()).first())
    if invitation is None:
        raise NotFound("No such invitation.")
    return invitation


def _pending_check(invitation: StoreAgentInvitation) -> None:
    if invitation.status != Status.PENDING:
        raise InvitationNotPending(invitation_status=invitation.status)
    if invitation.expires_at <= timezone.now():
        raise InvitationExpired()


@transaction.atomic
def store_agent_invitation_accept(*, invitation_id, user) -> StoreAgentInvitation:
    """The invited user becomes an agent of the store. Accepting again answers the same while they
    still are one; an invitation that was declined, withdrawn or has expired is refused (409)."""
    invitation = _invitation_lock(invitation_id=invitation_id, user=user)
    if (invitation.status == Status.ACCEPTED
            and StoreAgent.objects.filter(store_id=invitation.store_id, user=user).exists()):
        return invitation
    _pending_check(invitation)
    store_agent_add(store=invitation.store, user=user)
    invitation.status, invitation.responded_at = Status.ACCEPTED, timezone.now()
    invitation.save(update_fields=["status", "responded_at", "updated"])
    logger.info("user %s accepted invitation %s to store %s", user.pk, invitation.pk, invitation.store_id)
    return invitation


@transaction.atomic
def store_agent_invitation_decline(*, invitation_id, user) -> StoreAgentInvitation:
    """Declining again answers the same; an accepted, withdrawn or expired invitation is refused (409)."""
    invitation = _invitation_lock(invitation_id=invitation_id, user=user)
    if invitation.status == Status.DECLINED:
        return invitation
    _pending_check(invitation)
    invitation.status, invitation.responded_at = Status.DECLINED, timezone.now()
    invitation.save(update_fields=["status", "responded_at", "updated"])
    logger.info("user %s declined invitation %s", user.pk, invitation.pk)
    return invitation
