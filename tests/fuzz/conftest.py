"""The fuzzed world: a store that the API's operations can find (an owner, an agent, a published
event with tickets and a schedule, an album, a promo code, an API key and an order), so that
generated requests reach past "not found"."""
import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from promos.models import Promotion
from stores import services as store_services
from stores.models import Schedule, StoreAgent
from tests.factories.promos import PromoCodeFactory, PromotionFactory
from tests.factories.stores import EventFactory
from tests.fuzz.schema import APP_HOST, connections_kept, schema_load
from tests.orders.conftest import Catalog, order_body

UGANDAN_METHODS = ("MTNUG", "AIRTELUG")
TICKET_SIGNING_KEY = "q5Xn0mB3m4S0Yp7k2bJvS1cH8rJ5tW9eZ6aG3dF1uLo="


class World:
    def __init__(self):
        self.catalog = catalog = Catalog()
        self.store, self.owner, self.agent = catalog.store, catalog.owner, catalog.agent
        # A parent for events the requests write: the world's event cannot be its own parent.
        self.parent_event = EventFactory(store=self.store, event_category=catalog.category)
        start = catalog.event.start_date
        self.schedule = schedule = Schedule.objects.create(event=catalog.event, title="Main", start=start, end=start)
        promotion = PromotionFactory(store=self.store, kind=Promotion.Kind.SINGLE)
        promo_code = PromoCodeFactory(promotion=promotion, code="FUZZ10")
        issued = store_services.store_api_key_create(store=self.store, actor=self.owner, name="shop")
        self.app_id, self.app_token = issued.key.app_id, issued.app_token
        response = APIClient().post("/stores/orders/", order_body((catalog.regular, 2)), format="json")
        assert response.status_code == 201, response.content
        order_id = response.json()["id"]
        # Path parameters by path prefix and name; "id" means the object the path is about.
        self.ids = {
            "/stores/album/{album_pk}": {"album_pk": catalog.album.pk},
            "/stores/album/": {"id": catalog.album.pk},
            "/stores/category/": {"id": catalog.album.category_id},
            "/stores/event/": {"id": catalog.event.pk, "event_id": catalog.event.pk},
            "/stores/event_category/": {"id": catalog.category.pk},
            "/stores/media_type/": {"id": catalog.album.media_type_id},
            "/stores/orders/": {"id": order_id, "order_id": order_id},
            "/stores/promo_codes/": {"id": promo_code.pk},
            "/stores/schedule/": {"id": schedule.pk},
            "/stores/store/{store_pk}/agents/": {"id": StoreAgent.objects.get(user=self.agent).pk},
            "/stores/store/{store_pk}/api_keys/": {"id": issued.key.pk},
            "/stores/store/": {"id": self.store.pk, "store_id": self.store.pk, "store_pk": self.store.pk},
            "/stores/store_type/": {"id": self.store.store_type_id},
            "/stores/tickets/": {"id": catalog.regular.pk},
            "/users/user/": {"id": self.agent.pk},
            "/payments/links/": {"order_id": order_id},
        }

    def references(self) -> dict:
        """A value for each body field that names an object by id: the schema says "a UUID", the
        code also needs the object to exist (a 400 naming the field otherwise)."""
        catalog = self.catalog
        return {
            "store": self.store.pk, "store_fk": self.store.pk, "store_type_id": self.store.store_type_id,
            "event": catalog.event.pk, "event_fk": catalog.event.pk, "parent_event_id": self.parent_event.pk,
            "event_category_fk": catalog.category.pk,
            "schedule_fk": self.schedule.pk, "category": catalog.album.category_id,
            "media_type": catalog.album.media_type_id,
            # What a promotion applies to: items, their categories, ticket types.
            "products": catalog.event.pk, "categories": catalog.category.pk, "product_prices": catalog.regular.pk,
            # The schema gives a phone number's E.164 shape; whether it exists in its country's plan is
            # checked on arrival (mookh.core.phone), like an id's object.
            "phone_number": "+254720111222", "phone_numbers": "+254720111222",
            # Items are priced in the store's currency (a 400 naming `currency` for any other).
            "currency": self.store.default_currency,
            # A store's currency can change only once every item has a price in the new one.
            "default_currency": self.store.default_currency,
        }

    def body_with_references(self, body):
        """`body` with the world's objects in the fields that name one (items by their type_name)."""
        if isinstance(body, list):
            return [self.body_with_references(item) for item in body]
        if not isinstance(body, dict):
            return body
        references = self.references()
        filled = {key: self._reference(references.get(key), value) for key, value in body.items()}
        # Answer names have 1 to 100 characters, a rule on an object's keys that OpenAPI 3.0 cannot state
        # (no propertyNames): generated answers would be refused for their names, not their values.
        if isinstance(filled.get("data_entries"), dict):
            filled["data_entries"] = {}
        # Whether a promo code exists and applies depends on the item, and which exact payment method
        # fits on payment_method and the phone's country: none is sent.
        for name in ("promotional_code", "promo_code", "exact_payment_method"):
            if name in filled:
                filled[name] = None
        # Attendee names are person names, and one that looks like a web address ("pay.me") is refused:
        # a rule a pattern cannot state without a lookahead.
        if isinstance(filled.get("ticket_names"), list):
            filled["ticket_names"] = []
        # Whether an order may be paid later depends on its items (each ticket type's allow_pay_later).
        if filled.get("is_pay_later") is True:
            filled["is_pay_later"] = False
        # How many installments an order may have is a setting (ORDER_MAX_INSTALLMENTS).
        if isinstance(filled.get("payment_installments"), int):
            filled["payment_installments"] = 1
        # Prices must include one in the store's currency, equal to ticket_value when that is sent too.
        if isinstance(filled.get("prices"), dict):
            price = filled.get("ticket_value") if isinstance(filled.get("ticket_value"), str) else "1000.00"
            filled["prices"] = {**filled["prices"], self.store.default_currency: price}
        # An order's agent must be the signed-in agent placing it; the owner places none.
        if filled.get("agent"):
            filled["agent"] = None
        # Uganda's mobile money methods refuse the world's Kenyan phone: a rule across fields.
        for name in ("payment_method", "method"):
            if filled.get(name) in UGANDAN_METHODS:
                filled[name] = "MPESA"
        if isinstance(filled.get("item_id"), str):
            album = filled.get("type_name") == self.catalog.album.TYPE_NAME
            filled["item_id"] = str(self.catalog.album.pk if album else self.catalog.regular.pk)
        return filled

    def _reference(self, reference, value):
        if reference is None or value == "":
            return self.body_with_references(value)
        if isinstance(value, list):
            return [str(reference) if isinstance(item, str) else item for item in value]
        return str(reference) if isinstance(value, str) else value

    def path_parameters(self, path: str) -> dict:
        """The world's ids for the parameters of `path` (the longest matching prefix wins per name)."""
        found = {}
        for prefix in sorted(self.ids, key=len):
            if path.startswith(prefix):
                found.update(self.ids[prefix])
        names = {part[1:-1] for part in path.split("/") if part.startswith("{")}
        return {name: str(value) for name, value in found.items() if name in names}

    def headers(self, role: str, path: str) -> dict:
        user = {"owner": self.owner, "agent": self.agent}.get(role)
        headers = {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"} if user else {}
        if role == "owner" and path.startswith("/v1/"):
            headers.update({"X-App-Id": self.app_id, "X-App-Token": self.app_token})
        return headers


@pytest.fixture
def world(db, settings, tmp_path):
    settings.ALLOWED_HOSTS = [APP_HOST, "testserver"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    settings.TICKET_SIGNING_KEY = TICKET_SIGNING_KEY
    world = World()  # before: Django's test client reconnects the signals after each of its requests
    with connections_kept():
        yield world


@pytest.fixture(scope="session")
def fuzz_operations(django_db_setup, django_db_blocker) -> dict:
    """The served schema's operations by (METHOD, path)."""
    with django_db_blocker.unblock():
        schema = schema_load()
    operations = (result.ok() for result in schema.get_all_operations())
    return {(operation.method.upper(), operation.path): operation for operation in operations}
