"""Installment reminders and the expiry warning for orders paid later, each sent once."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orders.models import Order
from orders.selectors import installments_amount
from orders.services.messages import order_reminder_message
from orders.services.status import OPEN


@dataclass(frozen=True)
class InstallmentDue:
    number: int
    due_at: datetime
    paid_by_then: Decimal  # what the order should have received by `due_at`


def installments_schedule(order: Order, *, start: datetime | None = None) -> list[InstallmentDue]:
    """Installments fall due evenly over the payment window; the last one on expiry."""
    start = start or order.created
    count = order.payment_installments
    window = order.expires_at - start
    each = installments_amount(order)
    return [InstallmentDue(number=n, due_at=start + window * n / count,
                           paid_by_then=order.order_amount if n == count else each * n)
            for n in range(1, count + 1)]


def reminder_next_at(order: Order, *, after: datetime | None = None,
                     start: datetime | None = None) -> datetime | None:
    """The next moment a reminder may fall due (after `after`), or None when none is left."""
    moments = []
    if order.payment_installments > 1:
        moments += [due.due_at - settings.ORDER_REMINDER_LEAD for due in installments_schedule(order, start=start)
                    if order.amount_paid < due.paid_by_then]
    if order.is_pay_later or order.payment_installments > 1:
        moments.append(order.expires_at - settings.ORDER_EXPIRY_WARNING_LEAD)
    return min((moment for moment in moments if after is None or moment > after), default=None)


def orders_reminder_due_ids(*, now=None) -> list:
    """Open orders whose next reminder moment has come."""
    now = now or timezone.now()
    return list(Order.objects.filter(status__in=OPEN, next_reminder_at__lte=now).values_list("pk", flat=True))


@transaction.atomic
def order_reminders_send(*, order_id, now=None) -> int:
    """Queue the reminders now due for one order; the dedupe keys make every one go out once."""
    now = now or timezone.now()
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status not in OPEN or order.expires_at <= now:
        return 0
    sent = 0
    for due in installments_schedule(order) if order.payment_installments > 1 else []:
        in_lead = due.due_at - settings.ORDER_REMINDER_LEAD <= now < due.due_at
        if in_lead and order.amount_paid < due.paid_by_then:
            order_reminder_message(order, template="installment_reminder", key=f"installment:{due.number}",
                                   installment=due.number, due_at=due.due_at.isoformat(),
                                   amount_due=f"{due.paid_by_then - order.amount_paid:.2f}")
            sent += 1
    if order.expires_at - settings.ORDER_EXPIRY_WARNING_LEAD <= now:
        order_reminder_message(order, template="order_expiry_warning", key="expiry_warning")
        sent += 1
    order.next_reminder_at = reminder_next_at(order, after=now)
    order.save(update_fields=["next_reminder_at", "updated"])
    return sent
