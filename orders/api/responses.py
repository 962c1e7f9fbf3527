"""What POST /stores/orders/ answers, by response_type and payment method (seed 001).

The payment page and the card form belong to the payments app, above this one: the page's URL
is found by name, the signed card form comes from settings.ORDER_CARD_FORM_PROVIDER."""
from django.conf import settings
from django.utils.module_loading import import_string

from orders.api.serializers import OrderSerializer
from orders.links import payment_link_url
from orders.models import Order, OrderStatus, PaymentMethod

NO_PROVIDER = "No payment provider is configured for {method} payments yet; the order stays PENDING until it is paid."
PROMPT_SENT = "We asked {phone} to pay {currency} {amount}: approve it on the phone with your PIN."
PROMPT_FAILED = "The payment request could not be sent: {reason}"
FAILED = "FAILED"
CARD_FORM = ("cybersource payload: post the payload's fields, as they are, as a form to the url "
             "(the buyer pays on the card gateway's page).")


def order_created_response(order: Order, *, response_type: str, request, lines=None, payments=None) -> dict:
    """`lines`, `payments`: the order's lines and requests for money when the caller holds them
    already (a new order)."""
    if order.status == OrderStatus.PAID:
        return _order_data(order, request=request, lines=lines, payments=payments)
    if response_type == "html":
        return {"link": payment_link_url(order.pk), "order_number": order.order_number,
                "currency_code": order.currency}
    if _pays_by_card(order):
        return {"pay_response": _card_form(order), "order_number": order.order_number}
    order_data = _order_data(order, request=request, lines=lines, payments=payments)
    return {**order_data, "payment": _payment_request(order_data["payments"],
                                                      default=NO_PROVIDER.format(method=order.payment_method))}


def _order_data(order: Order, *, request, lines, payments) -> dict:
    return OrderSerializer(order, context={"request": request, "lines": lines, "payments": payments,
                                           "new": lines is not None}).data


def _payment_request(payments: list[dict], *, default: str) -> dict:
    """What became of the request for money that placing the order queued (the order's
    `payments`, newest first: the payments app's attempts)."""
    if not payments:
        return {"started": False, "message": default}
    latest = payments[0]
    if latest["status"] == FAILED:
        return {"started": False, "message": PROMPT_FAILED.format(reason=latest.get("description") or "refused")}
    return {"started": True, "message": PROMPT_SENT.format(phone=latest["phone"], currency=latest["currency"],
                                                           amount=latest["amount"])}


def _pays_by_card(order: Order) -> bool:
    """CARD orders, and mobile orders whose payer's phone no mobile money reaches (outside KE and UG)."""
    return order.payment_method == PaymentMethod.CARD or (
        order.payment_method == PaymentMethod.MOBILE and not order.exact_payment_method)


def _card_form(order: Order) -> dict:
    """The signed form that pays the order by card; the payments app records it as an attempt."""
    form = import_string(settings.ORDER_CARD_FORM_PROVIDER)(order=order) if settings.ORDER_CARD_FORM_PROVIDER else None
    if form is None:
        return {"status": False, "message": NO_PROVIDER.format(method=PaymentMethod.CARD), "url": None,
                "payload": None}
    return {"status": True, "message": CARD_FORM, "url": form["url"], "payload": form["payload"]}
