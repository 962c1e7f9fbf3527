"""Writes that name other objects (events, tickets, schedules, albums, stores, promo codes…) given store B's
objects by a caller of store A: a 400 or 404, and nothing created or changed. The same write naming store
A's own objects succeeds, so that each refusal is about the reference."""
import pytest

from orders.models import Order
from orders.voucherify.models import ApiOrder
from promos.models import Promotion
from stores.models import Album, Event, MediaFile, Schedule, StoreAgent, StoreApiKey, Ticket
from tests.authz.requests import CUSTOMER, Call
from tests.authz.send import send
from tests.factories.promos import PromoCodeFactory, PromotionFactory
from tests.factories.stores import AlbumFactory, EventFactory, MediaFileFactory, ScheduleFactory, TicketFactory

pytestmark = pytest.mark.django_db
COUNTED = (Event, Ticket, Schedule, Album, MediaFile, Promotion, Order, ApiOrder, StoreAgent, StoreApiKey)


@pytest.fixture(scope="module")
def a_objects(world):
    """Store A's objects under the names b_objects uses."""
    return {"store": world.a.store, "event": world["event"], "schedule": world["schedule"], "ticket": world["ticket"],
            "album": world["album"], "media_file": world["media_file"], "group": world["promo_group"],
            "code": world["promo_code"], "agent_link": world["agent_link"], "api_key": world["api_key"]}


@pytest.fixture(scope="module")
def b_objects(world):
    """Store B's catalogue, made inside the module's world (undone with it)."""
    store = world.b.store
    event = EventFactory(store=store, event_category=world["event_category"], is_published=True)
    album = AlbumFactory(store=store, media_type=world["media_type"], is_published=True, prices={"KES": "800.00"})
    group = PromotionFactory(store=store, kind=Promotion.Kind.GROUP, name="B group")
    PromoCodeFactory(promotion=group, code="BGROUP")
    single = PromoCodeFactory(promotion=PromotionFactory(store=store, name="B single"), code="BSTORE10").promotion
    return {"store": store, "event": event, "schedule": ScheduleFactory(event=event),
            "ticket": TicketFactory(event=event, is_published=True), "album": album,
            "media_file": MediaFileFactory(album=album), "group": group,
            "code": single,
            "agent_link": store.agents.get(user=world.b.agent), "api_key": store.api_keys.get()}


def _line(item, type_name="store.ticket", **fields) -> dict:
    return {"item_id": str(item.pk), "type_name": type_name, "item_quantity": 1, **fields}


def _order(*lines, **fields) -> dict:
    return {"currency": "KES", "payment_method": "MOBILE", "response_type": "json", "customer": dict(CUSTOMER),
            "order_detail": list(lines), **fields}


def _cases():
    """(case id, caller, method, path(world, objects), body(world, objects)), objects being one store's."""
    a_store = lambda w: str(w.a.store.pk)  # noqa: E731
    return [
        ("event store_fk", "owner", "POST", lambda w, o: "/stores/event/",
         lambda w, o: {"event_name": "X", "event_category_fk": str(w["event_category"].pk), "event_description": "X",
                       "start_date": "2030-01-01T10:00:00Z", "store_fk": str(o["store"].pk)}),
        ("sub-event parent_event_id", "owner", "POST", lambda w, o: "/stores/event/",
         lambda w, o: {"event_name": "X", "event_category_fk": str(w["event_category"].pk), "event_description": "X",
                       "start_date": "2030-01-01T10:00:00Z", "store_fk": a_store(w),
                       "parent_event_id": str(o["event"].pk)}),
        ("ticket event_fk", "owner", "POST", lambda w, o: "/stores/tickets/",
         lambda w, o: {"ticket_name": "X", "event_fk": str(o["event"].pk), "quantity": 5, "ticket_value": "10.00"}),
        ("ticket schedule_fk", "owner", "POST", lambda w, o: "/stores/tickets/",
         lambda w, o: {"ticket_name": "X", "event_fk": str(w["event"].pk), "schedule_fk": str(o["schedule"].pk),
                       "quantity": 5, "ticket_value": "10.00"}),
        ("ticket moved to another store's event", "owner", "PATCH", lambda w, o: f"/stores/tickets/{w['ticket'].pk}/",
         lambda w, o: {"event_fk": str(o["event"].pk)}),
        ("schedule event_fk", "owner", "POST", lambda w, o: "/stores/schedule/",
         lambda w, o: {"event_fk": str(o["event"].pk), "title": "X", "start": "2030-01-01T10:00:00Z",
                       "end": "2030-01-01T12:00:00Z"}),
        ("album store", "owner", "POST", lambda w, o: "/stores/album/",
         lambda w, o: {"store": str(o["store"].pk), "name": "X", "description": "X",
                       "media_type": str(w["media_type"].pk), "prices": {"KES": "500.00"}}),
        ("album moved to another store", "owner", "PATCH", lambda w, o: f"/stores/album/{w['album'].pk}/",
         lambda w, o: {"store": str(o["store"].pk)}),
        ("promo code store", "owner", "POST", lambda w, o: "/stores/promo_codes/",
         lambda w, o: {"store": str(o["store"].pk), "promo_name": "X", "promo_value": "5", "code": "XFOREIGN"}),
        ("promo code event", "owner", "POST", lambda w, o: "/stores/promo_codes/",
         lambda w, o: {"store": a_store(w), "event": str(o["event"].pk), "promo_name": "X", "promo_value": "5",
                       "code": "XFOREIGN"}),
        ("promo group products", "owner", "POST", lambda w, o: f"/stores/store/{a_store(w)}/promocode-groups/",
         lambda w, o: {"codes": ["XFOREIGN"], "discount_type": "PERCENT", "percent_discount": 5,
                       "applicable_on": {"all": False, "products": [str(o["event"].pk)]}}),
        ("promo group product_prices", "owner", "POST", lambda w, o: f"/stores/store/{a_store(w)}/promocode-groups/",
         lambda w, o: {"codes": ["XFOREIGN"], "discount_type": "PERCENT", "percent_discount": 5,
                       "applicable_on": {"all": False, "product_prices": [str(o["ticket"].pk)]}}),
        ("POS order of another store's ticket", "agent", "POST", lambda w, o: "/stores/orders/",
         lambda w, o: _order(_line(o["ticket"]), payment_method="CASH")),
        ("order with another store's promo code", "anonymous", "POST", lambda w, o: "/stores/orders/",
         lambda w, o: _order(_line(w["ticket"], promotional_code=o["code"].codes.get().code))),
        ("v1 order store_fk", "agent", "POST", lambda w, o: "/stores/order/",
         lambda w, o: {"customer": dict(CUSTOMER), "store_fk": a_store(w), "currency": "KES",
                       "payment_method": "CASH", "order_detail": [_line(o["ticket"])]}),
        ("Voucherify order item", "key", "POST", lambda w, o: "/v1/orders",
         lambda w, o: {"source_id": "foreign-item", "items": [{"product_id": str(o["ticket"].pk), "quantity": 1}]}),
        ("agent removed through another store", "owner", "DELETE",
         lambda w, o: f"/stores/store/{a_store(w)}/agents/{o['agent_link'].pk}/", lambda w, o: None),
        ("API key revoked through another store", "owner", "DELETE",
         lambda w, o: f"/stores/store/{a_store(w)}/api_keys/{o['api_key'].pk}/", lambda w, o: None),
        ("media file deleted through another album", "owner", "DELETE",
         lambda w, o: f"/stores/album/{w['album'].pk}/media_files/{o['media_file'].pk}/", lambda w, o: None),
        ("promo group changed through another store", "owner", "PATCH",
         lambda w, o: f"/stores/store/{a_store(w)}/promocode-groups/{o['group'].pk}/",
         lambda w, o: {"percent_discount": 90}),
    ]


CASES = _cases()


def _state(world, o) -> dict:
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    ticket, album, group = (Ticket.objects.get(pk=world["ticket"].pk), Album.objects.get(pk=world["album"].pk),
                            Promotion.objects.get(pk=o["group"].pk))
    return {**counts, "ticket event": ticket.event_id, "album store": album.store_id,
            "B group discount": group.percent_discount}


@pytest.mark.parametrize("case,caller,method,path,body", CASES, ids=[case[0] for case in CASES])
def test_another_stores_object_is_refused_when_named_in_a_write(world, b_objects, case, caller, method, path, body):
    before, seen = _state(world, b_objects), {}

    def inspect(response):
        seen["status"], seen["after"] = response.status_code, _state(world, b_objects)

    send(world, caller, method, Call(path(world, b_objects), body(world, b_objects)), inspect=inspect)
    assert seen["status"] in (400, 404)
    assert seen["after"] == before
