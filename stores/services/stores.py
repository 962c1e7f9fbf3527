"""Store types, stores, their agents and event categories."""
import logging

from django.db import transaction
from django.db.models import DecimalField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from mookh.core.currency import DEFAULT_CURRENCY_BY_COUNTRY
from mookh.core.errors import InvalidInput
from stores.models import Album, EventCategory, Store, StoreAgent, StoreAgentInvitation, StoreType, Ticket
from stores.services.guards import attributes_set, object_delete, store_manage_require, super_admin_require
from users.models import Role
from users.services import role_grant, role_revoke

logger = logging.getLogger(__name__)


@transaction.atomic
def store_create(*, actor, store_name: str, store_type: StoreType, country: str = Store.Country.KENYA,
                 default_currency: str | None = None, store_contacts: dict | None = None,
                 is_active: bool = True) -> Store:
    """Whoever creates a store owns it and becomes a store owner."""
    store = Store.objects.create(
        owner=actor, store_name=store_name, store_type=store_type, country=country,
        default_currency=default_currency or DEFAULT_CURRENCY_BY_COUNTRY.get(country, "KES"),
        store_contacts=store_contacts or {"emails": [], "phone_numbers": []}, is_active=is_active,
    )
    role_grant(user=actor, role=Role.STORE_OWNER)
    logger.info("store %s created by %s", store.pk, actor.pk)
    return store


@transaction.atomic
def store_update(*, store: Store, actor, **fields) -> Store:
    store_manage_require(actor=actor, store=store)
    store = Store.objects.select_for_update().get(pk=store.pk)
    currency = fields.get("default_currency")
    if currency and currency != store.default_currency:
        _store_currency_switch(store=store, currency=currency)
    attributes_set(store, fields)
    store.save()
    return store


def _store_currency_switch(*, store: Store, currency: str) -> None:
    """Every ticket type and album must already carry a price in the new default currency."""
    tickets = Ticket.objects.filter(event__store=store)
    unpriced = (tickets.exclude(prices__has_key=currency).exists()
                or Album.objects.filter(store=store).exclude(prices__has_key=currency).exists())
    if unpriced:
        raise InvalidInput({"default_currency": f"Give every ticket type and album a {currency} price first."},
                           code="currency_unpriced")
    tickets.update(ticket_value=Cast(KT(f"prices__{currency}"), DecimalField(max_digits=12, decimal_places=2)))


def store_delete(*, store: Store, actor) -> None:
    store_manage_require(actor=actor, store=store)
    object_delete(store)


@transaction.atomic
def store_agent_add(*, store: Store, user) -> StoreAgent:
    """Make `user` an agent of `store` (nothing changes when they already are one).

    Reached from an accepted invitation (stores.services.invitations) or the demo data, never
    directly from the API: nobody is made an agent without their consent."""
    agent, created = StoreAgent.objects.get_or_create(store=store, user=user)
    role_grant(user=user, role=Role.STORE_AGENT)
    if created:
        logger.info("user %s made agent of store %s", user.pk, store.pk)
    return agent


@transaction.atomic
def store_agent_remove(*, agent: StoreAgent, actor) -> None:
    """Remove an agent; a user who is no longer an agent anywhere loses the store_agent role."""
    store_manage_require(actor=actor, store=agent.store)
    user = agent.user
    agent.delete()
    # A pending invitation must not bring back someone the owner just removed.
    StoreAgentInvitation.objects.filter(store_id=agent.store_id, email=user.email.lower(),
                                        status=StoreAgentInvitation.Status.PENDING).update(
        status=StoreAgentInvitation.Status.REVOKED, responded_at=timezone.now(), updated=timezone.now())
    if not StoreAgent.objects.filter(user=user).exists():
        role_revoke(user=user, role=Role.STORE_AGENT)
    logger.info("user %s removed as agent of store %s", user.pk, agent.store_id)


@transaction.atomic
def event_category_create(*, actor, category_name: str, event_label: str = "",
                          category_metadata=None) -> EventCategory:
    """Categories are shared by every store: only super admins add, change or delete them."""
    super_admin_require(actor=actor)
    return EventCategory.objects.create(category_name=category_name, event_label=event_label or "",
                                        category_metadata=category_metadata)


@transaction.atomic
def event_category_update(*, event_category: EventCategory, actor, **fields) -> EventCategory:
    super_admin_require(actor=actor)
    attributes_set(event_category, fields)
    event_category.save()
    return event_category


def event_category_delete(*, event_category: EventCategory, actor) -> None:
    super_admin_require(actor=actor)
    object_delete(event_category)
