"""Customer and agent messages the order engine writes into the outbox, in its own transaction."""
from notifications.services import message_enqueue

from orders.links import payment_link_url
from orders.models import Order


def _context(order: Order, *, lines=None, **extra) -> dict:
    lines = [{"name": line.name, "quantity": line.item_quantity, "amount": f"{line.selling_price:.2f}"}
             for line in (order.lines.all() if lines is None else lines)]
    return {
        "order_id": str(order.pk), "order_number": order.order_number, "customer_name": order.customer_name,
        "currency": order.currency, "order_amount": f"{order.order_amount:.2f}",
        "order_balance": f"{order.order_balance:.2f}", "amount_paid": f"{order.amount_paid:.2f}",
        "expires_at": order.expires_at.isoformat(), "lines": lines, "payment_link": payment_link_url(order.pk),
        **extra,
    }


def _to_customer(order: Order, template: str, context: dict, *, key: str) -> None:
    message_enqueue(channel="email", recipient=order.customer_email, template=template, context=context,
                    dedupe_key=f"order:{order.pk}:{key}:email", order_id=order.pk)
    message_enqueue(channel="sms", recipient=order.customer_phone, template=template, context=context,
                    dedupe_key=f"order:{order.pk}:{key}:sms", order_id=order.pk)


def order_created_messages(order: Order, *, lines=None) -> None:
    """Pay-later and installment orders get payment instructions at once (`lines`: the order's,
    when the caller holds them already)."""
    if order.is_pay_later or order.payment_installments > 1:
        _to_customer(order, "order_created", _context(order, lines=lines), key="created")


def payment_received_messages(order: Order, *, payment_reference: str, amount) -> None:
    context = _context(order, payment_amount=f"{amount:.2f}", payment_reference=payment_reference)
    _to_customer(order, "payment_received", context, key=f"payment:{payment_reference}")


def order_paid_messages(order: Order, *, key: str = "paid", tickets: list[dict] | None = None,
                        downloads: list[dict] | None = None) -> None:
    context = _context(order, tickets=tickets or [], downloads=downloads or [])
    _to_customer(order, "order_paid", context, key=key)
    if order.is_pos and order.agent_id and order.agent.phone_number:
        message_enqueue(channel="sms", recipient=order.agent.phone_number, template="order_paid_agent",
                        context=context, dedupe_key=f"order:{order.pk}:{key}:agent_sms")


def order_reminder_message(order: Order, *, template: str, key: str, **extra) -> None:
    """An installment reminder or the expiry warning; `key` makes each one go out once."""
    _to_customer(order, template, _context(order, **extra), key=key)


def order_closed_messages(order: Order, *, refund_amount=None) -> None:
    """Expired, cancelled or refunded: tell the customer, with any money owed back."""
    template = {"EXPIRED": "order_expired", "CANCELLED": "order_cancelled", "REFUNDED": "order_refunded"}[order.status]
    context = _context(order, refund_amount=f"{refund_amount:.2f}" if refund_amount else "")
    _to_customer(order, template, context, key=order.status.lower())


def order_message_delivered(*, message) -> None:
    """OUTBOX_SENT_HOOK: `flag_email_sent` / `flag_sms_sent` record real delivery to the customer."""
    if not message.order_id or message.template == "order_paid_agent":
        return
    flag = {"email": "flag_email_sent", "sms": "flag_sms_sent"}[message.channel]
    Order.objects.filter(pk=message.order_id).update(**{flag: True})
