"""What the payment page and its status poll show about an order, and what is due now."""
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from orders.links import line_media_files, order_tickets_path
from orders.models import Order, OrderStatus
from orders.selectors import installments_amount
from orders.services.pricing import MOBILE_CURRENCIES, MOBILE_METHODS
from orders.services.status import OPEN
from payments.models import PaymentAttempt
from payments.providers.mobile import mobile_money

METHOD_LABELS = {"MPESA": "M-Pesa", "AIRTEL": "Airtel Money", "MTNUG": "MTN Mobile Money",
                 "AIRTELUG": "Airtel Money Uganda"}
# The country whose phones each mobile money method reaches.
METHOD_COUNTRY = {method: country for country, methods in MOBILE_METHODS.items() for method in methods}
CLOSED_STATES = {OrderStatus.EXPIRED: "expired", OrderStatus.CANCELLED: "cancelled",
                 OrderStatus.REFUNDED: "refunded"}
WAITING = (PaymentAttempt.Status.STARTING, PaymentAttempt.Status.PENDING)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class PaymentPage:
    order: Order
    state: str                       # open, paid, expired, cancelled, refunded
    amount_due: Decimal              # what a payment started now asks for
    lines: list[dict]
    methods: list[tuple[str, str]]   # the mobile money methods that can take a payment: (code, label)
    default_method: str
    attempt: PaymentAttempt | None   # the attempt the buyer just started, when the page names it
    tickets_url: str | None = None
    downloads: list[dict] = field(default_factory=list)

    @property
    def waiting(self) -> bool:
        """A mobile money prompt the buyer just sent is still unanswered."""
        return (self.state == "open" and self.attempt is not None and self.attempt.method in METHOD_LABELS
                and self.attempt.status in WAITING)


def order_amount_due_now(order: Order) -> Decimal:
    """The balance, or for an installment order its next installment (the last takes what is left)."""
    balance = order.order_balance
    each = installments_amount(order)
    if order.payment_installments == 1 or each <= 0 or balance - each < each:
        return balance
    return each.quantize(CENT)


def order_payment_state(order: Order, *, now=None) -> str:
    """open, paid or why the order takes no payment; an open order past its expiry is expired."""
    if order.status == OrderStatus.PAID:
        return "paid"
    if order.status in OPEN:
        return "open" if order.expires_at > (now or timezone.now()) else "expired"
    return CLOSED_STATES.get(order.status, order.status.lower())


def mobile_methods_wired(*, currency: str) -> list[tuple[str, str]]:
    """The methods that can collect `currency` (a country's wallets hold its own currency only)."""
    return [(method, METHOD_LABELS[method]) for method, country in METHOD_COUNTRY.items()
            if MOBILE_CURRENCIES[country] == currency and mobile_money(method) is not None]


def payment_page_get(*, order_id, attempt_id=None) -> PaymentPage | None:
    """The page of the order with this id (a capability), or None; `attempt_id` names an attempt
    of the order started from the page (shown while it waits, or how it ended)."""
    order = Order.objects.filter(pk=order_id).prefetch_related("lines__album__media_files").first()
    if order is None:
        return None
    state = order_payment_state(order)
    methods = mobile_methods_wired(currency=order.currency)
    codes = [code for code, _ in methods]
    default = order.exact_payment_method if order.exact_payment_method in codes else (codes[0] if codes else "")
    attempt = _attempt_of(order, attempt_id)
    lines = [{"name": line.name, "quantity": line.item_quantity, "amount": line.selling_price}
             for line in order.lines.all()]
    tickets_url = downloads = None
    if state == "paid":
        if any(line.ticket_id for line in order.lines.all()):
            tickets_url = order_tickets_path(order.pk)
        downloads = [file for line in order.lines.all() if line.album_id for file in line_media_files(line)]
    return PaymentPage(order=order, state=state, amount_due=order_amount_due_now(order) if state == "open" else
                       Decimal("0"), lines=lines, methods=methods, default_method=default, attempt=attempt,
                       tickets_url=tickets_url, downloads=downloads or [])


def _attempt_of(order: Order, attempt_id) -> PaymentAttempt | None:
    try:
        attempt_id = uuid.UUID(str(attempt_id)) if attempt_id else None
    except ValueError:  # a hand-edited address
        return None
    return PaymentAttempt.objects.filter(order=order, pk=attempt_id).first() if attempt_id else None


@dataclass(frozen=True)
class PaymentStatus:
    order: Order
    state: str
    amount_due: Decimal
    tickets_url: str | None
    attempts: list[PaymentAttempt]


def order_payment_status(*, order_id) -> PaymentStatus | None:
    """What the page's poll reads: the order's state, what is due now and its payment attempts."""
    order = Order.objects.filter(pk=order_id).prefetch_related("payment_attempts").first()
    if order is None:
        return None
    state = order_payment_state(order)
    has_tickets = state == "paid" and order.lines.filter(ticket__isnull=False).exists()
    return PaymentStatus(order=order, state=state,
                         amount_due=order_amount_due_now(order) if state == "open" else Decimal("0"),
                         tickets_url=order_tickets_path(order.pk) if has_tickets else None,
                         attempts=list(order.payment_attempts.all()))
