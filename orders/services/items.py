"""Load the items an order names and check each can be sold now; errors name the line's field."""
from dataclasses import dataclass, field
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
    source_id: str = ""
    client_data: dict = field(default_factory=dict)

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
    # Unordered: a dict by id needs no ORDER BY, and building one costs every order a share of its time.
    tickets = {}
    if wanted[TICKET]:
        tickets = Ticket.objects.select_related("event__store").order_by().in_bulk(wanted[TICKET])
    albums = {}
    if wanted[ALBUM]:
        albums = Album.objects.select_related("store", "category", "media_type").order_by().in_bulk(wanted[ALBUM])
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
        # One attendee name per unit at most: extra names (seed 001 sends three for two) are dropped.
        loaded.append(LoadedLine(index=index, item=item, type_name=line.type_name, quantity=line.item_quantity,
                                 ticket_names=list(line.ticket_names or [])[:line.item_quantity],
                                 promotional_code=(line.promotional_code or "").strip() or None,
                                 data_entries=dict(line.data_entries or {}), source_id=line.source_id,
                                 client_data=line.client_data))
    return loaded, errors


def line_sale_problems(line: LoadedLine, *, now, units_in_order: int) -> dict:
    """What stops this line being sold now (field → messages), or {} when it can be.

    `units_in_order` counts the item over every line of the order, for `max_per_order`.
    """
    item = line.item
    if line.type_name == ALBUM:
        line.data_entries = {}  # digital content asks no registration questions
        return {} if album_on_sale(item) else {"item_id": ["This item is not on sale."]}
    closed = ticket_sale_closed_reason(item, now=now)
    if closed:
        return {"item_id": [SALE_CLOSED_MESSAGES[closed]]}
    if item.max_per_order and units_in_order > item.max_per_order:
        return {"item_quantity": [f"At most {item.max_per_order} of this ticket per order."]}
    specs = {spec.get("name"): spec for spec in (item.event.event_metadata or {}).get("registration_fields") or []}
    if specs:
        # Only the answers the event asks for are kept (clients such as seed 001's send others).
        line.data_entries = {name: value for name, value in line.data_entries.items() if name in specs}
    return registration_problems(specs, line.data_entries)


def registration_problems(specs: dict, data_entries: dict) -> dict:
    """Check `data_entries` against the event's registration fields (by name): each of its type."""
    problems = []
    for name, spec in specs.items():
        value = data_entries.get(name)
        if value in (None, ""):
            if spec.get("required"):
                problems.append(f"'{name}' is required.")
            continue
        problem = _registration_value_problem(spec, value)
        if problem:
            problems.append(f"'{name}' {problem}")
    return {"data_entries": problems} if problems else {}


def _registration_value_problem(spec: dict, value) -> str | None:
    kind = spec.get("type", "text")
    if kind == "number":
        if isinstance(value, bool):
            return "must be a number."
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            return "must be a number."
        return None if number.is_finite() else "must be a number."
    if kind == "choice":
        choices = [str(choice) for choice in spec.get("choices") or []]
        return None if str(value) in choices else f"must be one of: {', '.join(choices)}."
    return None
