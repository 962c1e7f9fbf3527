"""Read-only fields sent with forged values, and what in the database would show one was taken."""
from datetime import datetime, timezone as tz
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.models import Group
from django.db.models import Q

from orders.models import Order, OrderStatus
from promos.models import PromoCode, Promotion
from stores.models import Album, Event, Store, StoreAgent, StoreApiKey, Ticket
from tests.authz.world import World
from users.models import Role, User

FORGED_ID = "0b0e0f00-0000-4000-8000-00000000f0f0"
FORGED_TEXT = "FORGED-777"
FORGED_WHEN = "2001-02-03T04:05:06Z"
COUNT, AMOUNT = 777, "7.77"
STORE_FIELDS = ("store", "store_fk", "store_id", "shop_id")
PROJECT_APPS = ("users", "stores", "promos", "orders", "tickets", "payments", "notifications")


def forged_fields(world: World) -> dict:
    """Counters, totals, status, ownership, store, ids and timestamps, each with a value no request may set."""
    b = world.b
    return {
        "id": FORGED_ID, "pk": FORGED_ID, "created": FORGED_WHEN, "updated": FORGED_WHEN,
        "created_at": FORGED_WHEN, "updated_at": FORGED_WHEN,
        "owner": str(b.owner.pk), "created_by": str(b.owner.pk), "user": str(b.agent.pk), "agent": str(b.agent.pk),
        "store": str(b.store.pk), "store_fk": str(b.store.pk), "store_id": str(b.store.pk),
        "shop_id": str(b.store.pk),
        "email": "forged@example.com", "is_verified": True, "is_staff": True, "is_superuser": True,
        "groups": [Group.objects.get(name=Role.SUPER_ADMIN).pk], "roles": [Role.SUPER_ADMIN],
        "status": OrderStatus.PAID, "order_status": OrderStatus.PAID,
        "sold": COUNT, "reserved": COUNT, "tickets_bought": COUNT, "tickets_available": COUNT,
        "times_used": COUNT, "uses": COUNT, "order_amount": AMOUNT, "order_balance": AMOUNT,
        "amount_paid": AMOUNT, "selling_price": AMOUNT, "payment_reference": FORGED_TEXT,
        "order_number": "FRGD77", "flag_email_sent": True, "flag_sms_sent": True,
        "app_id": FORGED_TEXT, "token_digest": FORGED_TEXT, "code_hash": FORGED_TEXT,
    }


def _models():
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS and not model._meta.proxy:
            yield model


def forged_traces(world: World, orders_before: set) -> list[str]:
    """Every sign in the database that a forged value was taken."""
    a, b, found = world.a, world.b, []
    for model in _models():
        if model._meta.pk.get_internal_type() == "UUIDField" and model.objects.filter(pk=FORGED_ID).exists():
            found.append(f"{model.__name__} with the forged id")
        names = {field.name for field in model._meta.concrete_fields}
        cutoff = datetime(2002, 1, 1, tzinfo=tz.utc)
        for stamp in {"created", "updated", "created_at", "updated_at"} & names:
            if model.objects.filter(**{f"{stamp}__lt": cutoff}).exists():
                found.append(f"{model.__name__}.{stamp} forged")
    checks = {
        "ticket counters": Ticket.objects.filter(Q(sold=COUNT) | Q(reserved=COUNT)).exists(),
        "promo code uses": PromoCode.objects.filter(uses=COUNT).exists(),
        "order totals or references": Order.objects.filter(
            Q(order_amount=Decimal(AMOUNT)) | Q(amount_paid=Decimal(AMOUNT)) | Q(payment_reference=FORGED_TEXT)
            | Q(order_number="FRGD77") | Q(agent=b.agent)).exists(),
        "a new order paid or notified": Order.objects.exclude(pk__in=orders_before).filter(
            Q(status=OrderStatus.PAID) | Q(flag_email_sent=True) | Q(flag_sms_sent=True)).exists(),
        "staff or superuser": User.objects.filter(Q(is_staff=True) | Q(is_superuser=True)).exists(),
        "super admin role": set(User.objects.filter(groups__name=Role.SUPER_ADMIN)) != {world.super_admin},
        "an email": User.objects.filter(email="forged@example.com").exists(),
        "a new user verified": User.objects.filter(email="newcomer@example.com", is_verified=True).exists(),
        "a store's owner": Store.objects.get(pk=a.store.pk).owner_id != a.owner.pk
                           or Store.objects.filter(owner=b.owner).count() != 1,
        "something put in store B": any(model.objects.filter(store=b.store).exists()
                                        for model in (Event, Album, Promotion, PromoCode))
                                    or StoreApiKey.objects.filter(store=b.store).count() != 1
                                    or set(StoreAgent.objects.filter(store=b.store).values_list("user", flat=True))
                                    != {b.agent.pk},
        "another store's people made store A's agents": StoreAgent.objects.filter(
            store=a.store, user__in=[b.owner, b.agent, world.super_admin]).exists(),
        "an API key's id or digest": StoreApiKey.objects.filter(
            Q(app_id=FORGED_TEXT) | Q(token_digest=FORGED_TEXT)).exists(),
    }
    return found + [name for name, taken in checks.items() if taken]
