"""Load the items an order names and check each can be sold now; errors name the line's field."""
from dataclasses import dataclass
from decimal import Decimal

from stores.models import Album, Ticket
from stores.selectors import SALE_CLOSED_MESSAGES, album_on_sale, ticket_sale_closed_reason

TICKET = Ticket.TYPE_NAME
ALBUM = Album.TYPE_NAME
TYPE_NAMES = (TICKET, ALBUM)



@dataclass
class LoadedLine:
    """One request line with its catalog item, ready to price."""

    index: int
    item: Ticket | Album
    type_name: str
    quantity: int
    ticket_names: list
    promotional_code: str | None
    data_entries: dict
    unit_price: Decimal = Decimal("0")
    promo_code_id: object = None
    promo_amount: Decimal = Decimal("0.00")

    @property
    def store(self):
        return self.item.event.store if self.type_name == TICKET else self.item.store

    @property
    def event_id(self):
        return self.item.event_id if self.type_name == TICKET else None

    @property
    def category_id(self):
        return self.item.event.event_category_id if self.type_name == TICKET else self.item.category_id

    @property
    def name(self) -> str:
        return self.item.ticket_name if self.type_name == TICKET else self.item.name

    @property
    def selling_price(self) -> Decimal:
        return self.unit_price * self.quantity - self.promo_amount


def items_load(lines) -> tuple[list[LoadedLine], list[dict]]:
    """Fetch every ticket and album in two queries; return loaded lines and per-line errors."""
    wanted = {TICKET: set(), ALBUM: set()}
    for line in lines:
        if line.type_name in wanted:
            wanted[line.type_name].add(line.item_id)
    tickets = {}
    if wanted[TICKET]:
        tickets = Ticket.objects.select_related("event__store").in_bulk(wanted[TICKET])
    albums = {}
    if wanted[ALBUM]:
        albums = Album.objects.select_related("store", "category", "media_type").in_bulk(wanted[ALBUM])
    loaded, errors = [], []
    for index, line in enumerate(lines):
        errors.append({})
        if line.type_name not in TYPE_NAMES:
            errors[index]["type_name"] = [f"Unknown type_name; use one of {', '.join(TYPE_NAMES)}."]
            continue
        item = (tickets if line.type_name == TICKET else albums).get(line.item_id)
        if item is None:
            errors[index]["item_id"] = ["No such item."]
            continue
        loaded.append(LoadedLine(index=index, item=item, type_name=line.type_name, quantity=line.item_quantity,
                                 ticket_names=list(line.ticket_names or []),
                                 promotional_code=(line.promotional_code or "").strip() or None,
                                 data_entries=dict(line.data_entries or {})))
    return loaded, errors


def line_sale_problems(line: LoadedLine, *, now, units_in_order: int) -> dict:
    """What stops this line being sold now (field → messages), or {} when it can be.

    `units_in_order` counts the item over every line of the order, for `max_per_order`.
    """
    item = line.item
    if line.type_name == ALBUM:
        return {} if album_on_sale(item) else {"item_id": ["This item is not on sale."]}
    closed = ticket_sale_closed_reason(item, now=now)
    if closed:
        return {"item_id": [SALE_CLOSED_MESSAGES[closed]]}
    if item.max_per_order and units_in_order > item.max_per_order:
        return {"item_quantity": [f"At most {item.max_per_order} of this ticket per order."]}
    return registration_problems(item.event.event_metadata or {}, line.data_entries)


def registration_problems(event_metadata: dict, data_entries: dict) -> dict:
    """Check `data_entries` against the event's declared registration fields."""
    problems = []
    for spec in event_metadata.get("registration_fields") or []:
        name = spec.get("name")
        value = data_entries.get(name)
        if value in (None, ""):
            if spec.get("required"):
                problems.append(f"'{name}' is required.")
            continue
        kind = spec.get("type", "text")
        if kind == "number":
            try:
                Decimal(str(value))
            except ArithmeticError:
                problems.append(f"'{name}' must be a number.")
        elif kind == "choice" and str(value) not in [str(c) for c in spec.get("choices") or []]:
            problems.append(f"'{name}' must be one of: {', '.join(map(str, spec.get('choices') or []))}.")
    return {"data_entries": problems} if problems else {}
