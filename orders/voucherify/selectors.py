"""Reads of the Voucherify-compatible API, always within the caller's store."""
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Greatest

from orders.models import OrderLine
from orders.voucherify.models import ApiOrder, AsyncAction, OrderExport

# Sort keys clients may ask for; ties break on the id so that pages never overlap.
ORDERINGS = {
    "created_at": ("created_at", "id"), "-created_at": ("-created_at", "-id"),
    "updated_at": ("changed_at", "id"), "-updated_at": ("-changed_at", "-id"),
}


def api_order_changed_at() -> Greatest:
    """An API order's `updated_at`: its own last change, or its Mookh order's when later (an
    expiry, a cancel or a refund made outside the API changes the order too)."""
    return Greatest("updated_at", "order__updated")
DEFAULT_ORDERING = "-created_at"


def api_orders_of(store) -> QuerySet[ApiOrder]:
    """The store's API orders with everything their representation reads, in three queries."""
    lines = OrderLine.objects.order_by("position")
    return (ApiOrder.objects.filter(store=store).select_related("order").annotate(changed_at=api_order_changed_at())
            .prefetch_related(Prefetch("order__lines", queryset=lines)))


def api_order_find(*, store, key: str) -> ApiOrder | None:
    """By our id first, then by the client's source_id."""
    orders = api_orders_of(store)
    return orders.filter(pk=key).first() or orders.filter(source_id=key).first()


def api_orders_page(*, store, limit: int, page: int, ordering: str = DEFAULT_ORDERING) -> tuple[list[ApiOrder], int]:
    """One page (1-based) in `ordering`, and how many orders the store has in all."""
    orders = api_orders_of(store).order_by(*ORDERINGS[ordering])
    start = (page - 1) * limit
    return list(orders[start:start + limit]), ApiOrder.objects.filter(store=store).count()


def async_action_find(*, store, action_id: str) -> AsyncAction | None:
    return AsyncAction.objects.filter(store=store, pk=action_id).defer("payload").first()


def order_export_find(*, store, export_id: str) -> OrderExport | None:
    return OrderExport.objects.filter(store=store, pk=export_id).first()
