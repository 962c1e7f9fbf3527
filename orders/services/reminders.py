"""Installment reminders and the expiry warning for orders paid later, each sent once."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
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


def installments_schedule(order: Order) -> list[InstallmentDue]:
    """Installments fall due evenly over the payment window; the last one on expiry."""
    count = order.payment_installments
    window = order.expires_at - order.created
    each = installments_amount(order)
    return [InstallmentDue(number=n, due_at=order.created + window * n / count,
                           paid_by_then=order.order_amount if n == count else each * n)
            for n in range(1, count + 1)]


def orders_reminder_due_ids(*, now=None) -> list:
    """Open pay-later or installment orders inside their reminder lead time."""
    now = now or timezone.now()
    return list(Order.objects.filter(status__in=OPEN, expires_at__gt=now)
                .filter(Q(is_pay_later=True) | Q(payment_installments__gt=1))
                .values_list("pk", flat=True))


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
    return sent
