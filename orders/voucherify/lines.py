"""An API order's items as the order engine's lines: the store's own tickets and albums become
catalogue lines (priced and stocked by the engine); anything else is an external line."""
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal

from mookh.core.errors import InvalidInput
from orders.services import ExternalLineInput, LineInput
from orders.voucherify.formats import major, minor
from orders.voucherify.inputs import ItemInput
from stores.models import Album, Ticket

CATALOGUE_QUANTITY_MAX = 1000  # as on /stores/orders/
NOT_IN_STORE = "No ticket type or album of this store has this id."
NOTHING_NAMED = "Name one of the store's items (product_id or sku_id), or give a source_id, price or amount."


@dataclass(frozen=True)
class OrderLines:
    catalogue: tuple[LineInput, ...]
    external: tuple[ExternalLineInput, ...]

    @property
    def external_amount(self) -> int:
        """What the external lines come to, in minor units."""
        return sum(minor(line.amount) for line in self.external)


def order_lines_build(*, store, items: tuple[ItemInput, ...]) -> OrderLines:
    """Raises InvalidInput naming each bad item by its index in `items`."""
    known = _store_items(store, [item.catalogue_id for item in items if item.catalogue_id])
    catalogue, external, errors = [], [], {}
    for index, item in enumerate(items):
        if item.catalogue_id:
            type_name = known.get(item.catalogue_id)
            field = "sku_id" if item.sku_id else "product_id"
            if type_name is None:
                errors[index] = {field: [NOT_IN_STORE]}
            elif (item.quantity or 1) > CATALOGUE_QUANTITY_MAX:
                errors[index] = {"quantity": [f"At most {CATALOGUE_QUANTITY_MAX} of one item."]}
            else:
                catalogue.append(LineInput(item_id=uuid.UUID(item.catalogue_id), type_name=type_name,
                                           item_quantity=item.quantity or 1, source_id=item.source_id or "",
                                           client_data=item.given()))
        elif _names_something(item):
            external.append(_external_line(item))
        else:
            errors[index] = {"source_id": [NOTHING_NAMED]}
    if errors:
        raise InvalidInput({"items": errors})
    return OrderLines(catalogue=tuple(catalogue), external=tuple(external))


def items_signature(client_items) -> list[str]:
    """Comparable form of a list of items as clients sent them (order-insensitive)."""
    return sorted(json.dumps(item, sort_keys=True, default=str) for item in client_items)


def _store_items(store, ids) -> dict[str, str]:
    """{id as sent: type name} for the ids that are the store's tickets or albums."""
    parsed = {}
    for raw in ids:
        try:
            parsed[raw] = uuid.UUID(raw)
        except ValueError:
            continue
    if not parsed:
        return {}
    wanted = set(parsed.values())
    tickets = set(Ticket.objects.filter(event__store=store, pk__in=wanted).values_list("pk", flat=True))
    albums = set(Album.objects.filter(store=store, pk__in=wanted).values_list("pk", flat=True))
    return {raw: Ticket.TYPE_NAME if pk in tickets else Album.TYPE_NAME
            for raw, pk in parsed.items() if pk in tickets or pk in albums}


def _names_something(item: ItemInput) -> bool:
    return bool(item.source_id or item.price is not None or item.amount is not None
                or (item.product or {}).get("name") or (item.sku or {}).get("sku"))


def _external_line(item: ItemInput) -> ExternalLineInput:
    quantity = item.quantity or 1
    amount = item.amount if item.amount is not None else (item.price or 0) * quantity
    unit_price = major(item.price) if item.price is not None else (major(amount) / quantity).quantize(Decimal("0.01"))
    name = (item.product or {}).get("name") or (item.sku or {}).get("sku") or item.source_id or "Item"
    return ExternalLineInput(name=str(name)[:200], quantity=quantity, unit_price=unit_price, amount=major(amount),
                             source_id=item.source_id or "", client_data=item.given())
