"""A seeded world for the authorization matrix: two stores, each with an owner, an agent and an API
key, a customer, a super admin, and one object of every kind belonging to store A, so that every
route with an id has a real object to point at."""
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from orders.models import Order
from orders.voucherify.exports import order_export_build
from orders.voucherify.models import AsyncAction, OrderExport
from payments.services import payment_apply
from promos.models import Promotion
from stores import services as store_services
from stores.models import StoreAgentInvitation
from tests.factories import UserFactory
from tests.factories.promos import PromoCodeFactory, PromotionFactory
from tests.factories.stores import (
    AlbumFactory, CategoryFactory, EventCategoryFactory, EventFactory, MediaFileFactory, MediaTypeFactory,
    ScheduleFactory, StoreAgentFactory, StoreFactory, StoreTypeFactory, TicketFactory,
)
from tickets.models import IssuedTicket
from tickets.qr import issued_ticket_token

CALLERS = ("anonymous", "customer", "owner", "other_owner", "agent", "other_agent", "super_admin",
           "key", "other_key")
CUSTOMER = {"name": "Jane Doe", "email": "jane@doe.com", "phone_number": "+254720111222"}


@dataclass
class Side:
    """One store and the people and key that act for it."""
    store: object
    owner: object
    agent: object
    app_id: str
    app_token: str


@dataclass
class World:
    a: Side
    b: Side
    customer: object
    super_admin: object
    objects: dict = field(default_factory=dict)  # name → model instance or value, all of store A

    def client(self, caller: str) -> APIClient:
        client = APIClient(REMOTE_ADDR="192.0.2.50")
        user = {"customer": self.customer, "owner": self.a.owner, "other_owner": self.b.owner,
                "agent": self.a.agent, "other_agent": self.b.agent, "super_admin": self.super_admin}.get(caller)
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
        elif caller in ("key", "other_key"):
            side = self.a if caller == "key" else self.b
            client.credentials(HTTP_X_APP_ID=side.app_id, HTTP_X_APP_TOKEN=side.app_token)
        return client

    def __getitem__(self, name):
        return self.objects[name]

    def store_a_ids(self) -> set[str]:
        """The ids of what belongs to store A (shared reference rows such as categories do not)."""
        shared = {"event_category", "category", "media_type"}
        return {str(self.a.store.pk)} | {
            str(obj.pk) for name, obj in self.objects.items()
            if hasattr(obj, "pk") and name not in shared and not name.startswith("spare_")}


def _side(name: str) -> Side:
    owner = UserFactory(roles=["store_owner"])
    store = StoreFactory(owner=owner, store_name=name, store_type=StoreTypeFactory())
    agent = StoreAgentFactory(store=store).user
    issued = store_services.store_api_key_create(store=store, actor=owner, name=f"{name} key")
    return Side(store=store, owner=owner, agent=agent, app_id=issued.key.app_id, app_token=issued.app_token)


def _catalog(world: World) -> None:
    store, objects = world.a.store, world.objects
    objects["event_category"] = EventCategoryFactory()
    objects["event"] = EventFactory(store=store, event_category=objects["event_category"], is_published=True)
    objects["schedule"] = ScheduleFactory(event=objects["event"])
    objects["ticket"] = TicketFactory(event=objects["event"], is_published=True, quantity=50,
                                      allow_pay_later=True)
    objects["category"] = CategoryFactory()
    objects["media_type"] = MediaTypeFactory(name="ALBUM")
    objects["album"] = AlbumFactory(store=store, category=objects["category"], media_type=objects["media_type"],
                                    is_published=True, prices={"KES": "800.00"})
    objects["media_file"] = MediaFileFactory(album=objects["album"])
    # Unpublished and unsold, so that deleting it is decided by permission alone.
    objects["draft_event"] = EventFactory(store=store, event_category=objects["event_category"])
    objects["agent_link"] = store.agents.get(user=world.a.agent)
    objects["api_key"] = store.api_keys.first()
    objects["promo_code"] = PromoCodeFactory(
        promotion=PromotionFactory(store=store, kind=Promotion.Kind.SINGLE, name="Single"), code="AUTHZ10")
    objects["promo_group"] = PromoCodeFactory(
        promotion=PromotionFactory(store=store, kind=Promotion.Kind.GROUP, name="Group"), code="GROUPA").promotion
    objects["promo_code"] = objects["promo_code"].promotion


def _orders(world: World) -> None:
    objects, anonymous = world.objects, APIClient(REMOTE_ADDR="192.0.2.51")

    def place(quantity: int, *extra) -> Order:
        body = {"currency": "KES", "payment_method": "MOBILE", "response_type": "json", "customer": dict(CUSTOMER),
                "order_detail": [{"item_id": str(objects["ticket"].pk), "type_name": "store.ticket",
                                  "item_quantity": quantity}, *extra]}
        response = anonymous.post("/stores/orders/", body, format="json")
        assert response.status_code == 201, response.json()
        return Order.objects.get(pk=response.json()["id"])

    objects["pending_order"] = place(1)
    paid = place(2, {"item_id": str(objects["album"].pk), "type_name": "digital_content.album", "item_quantity": 1})
    paid.refresh_from_db()
    payment_apply(order_id=paid.pk, amount=Decimal(paid.order_balance), currency=paid.currency,
                  provider="mpesa", reference="AUTHZ-PAY-1")
    paid.refresh_from_db()
    objects["paid_order"] = paid
    objects["issued_ticket"] = IssuedTicket.objects.filter(order=paid).order_by("sequence").first()
    objects["ticket_code"] = issued_ticket_token(objects["issued_ticket"])
    lines = anonymous.get(f"/stores/orders/{paid.pk}/").json()["order_detail"]
    link = next(file["url"] for line in lines for file in line.get("media_files") or ())
    objects["download_token"] = link.rstrip("/").rsplit("/", 1)[1]


def _invitation(world: World) -> None:
    store_services.store_agent_invite(store=world.a.store, actor=world.a.owner, email=world.customer.email)
    world.objects["invitation"] = StoreAgentInvitation.objects.get(store=world.a.store)


def _voucherify(world: World) -> None:
    client, objects = world.client("key"), world.objects
    response = client.post("/v1/orders", {"source_id": "authz-order", "amount": 10000}, format="json")
    assert response.status_code == 200, response.json()
    objects["api_order_id"] = response.json()["id"]
    response = client.post("/v1/orders/import", [{"source_id": "authz-import", "amount": 100}], format="json")
    assert response.status_code == 202, response.json()
    objects["async_action"] = AsyncAction.objects.get(pk=response.json()["async_action_id"])
    response = client.post("/v1/orders/export", {}, format="json")
    assert response.status_code == 200, response.json()
    objects["export"] = OrderExport.objects.get(pk=response.json()["id"])
    order_export_build(export_id=objects["export"].pk)  # its task would run only once committed
    url = urlsplit(client.get(f"/v1/exports/{objects['export'].pk}").json()["result"]["url"])
    objects["export_download"] = f"{url.path}?{url.query}"


def _spares(world: World) -> None:
    """Shared reference rows nothing uses, so that deleting one is decided by permission alone."""
    objects = world.objects
    objects["spare_store_type"] = StoreTypeFactory(name="music")
    objects["spare_event_category"] = EventCategoryFactory()
    objects["spare_category"] = CategoryFactory()
    objects["spare_media_type"] = MediaTypeFactory(name="EBOOK")
    objects["airtel_token"] = settings.AIRTEL_CALLBACK_TOKEN


def world_build() -> World:
    world = World(a=_side("Store A"), b=_side("Store B"), customer=UserFactory(email="customer@example.com"),
                  super_admin=UserFactory(roles=["super_admin"]))
    _catalog(world)
    _orders(world)
    _invitation(world)
    _spares(world)
    _voucherify(world)
    return world
