"""What POST /stores/orders/ answers, by response_type and payment method (seed 001)."""
from orders.api.serializers import OrderSerializer
from orders.models import Order, OrderStatus, PaymentMethod

NO_PROVIDER = "No payment provider is configured for {method} payments yet; the order stays PENDING until it is paid."


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
    return {**order_data, "payment": {"started": False, "message": message}}
