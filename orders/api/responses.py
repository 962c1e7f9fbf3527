"""What POST /stores/orders/ answers, by response_type and payment method (seed 001)."""
from orders.api.serializers import OrderSerializer
from orders.models import Order, OrderStatus, PaymentMethod

NO_PROVIDER = "No payment provider is configured for {method} payments yet; the order stays PENDING until it is paid."
PROMPT_SENT = "We asked {phone} to pay {currency} {amount}: approve it on the phone with your PIN."
PROMPT_FAILED = "The payment request could not be sent: {reason}"
FAILED = "FAILED"


def order_created_response(order: Order, *, response_type: str, request, lines=None) -> dict:
    """`lines`: the order's lines when the caller holds them already (a new order)."""
    order_data = OrderSerializer(order, context={"request": request, "lines": lines}).data
    if order.status == OrderStatus.PAID:
        return order_data
    message = NO_PROVIDER.format(method=order.payment_method)
    if response_type == "html":
        return {"link": None, "order_number": order.order_number, "currency_code": order.currency,
                "message": message}
    if order.payment_method == PaymentMethod.CARD:
        return {"pay_response": {"status": False, "message": message, "url": None, "payload": None},
                "order_number": order.order_number}
    return {**order_data, "payment": _payment_request(order, default=message)}


def _payment_request(order: Order, *, default: str) -> dict:
    """What became of the request for money that placing the order queued (the payments app's
    attempts, read through their reverse relation)."""
    attempt = order.payment_attempts.order_by("-created").first()
    if attempt is None:
        return {"started": False, "message": default}
    if attempt.status == FAILED:
        return {"started": False, "message": PROMPT_FAILED.format(reason=attempt.description)}
    return {"started": True, "message": PROMPT_SENT.format(phone=attempt.phone, currency=attempt.currency,
                                                           amount=f"{attempt.amount:.2f}")}
