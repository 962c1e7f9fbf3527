"""The answers of POST /stores/orders/, declared for the schema (orders/api/responses.py builds them).

Which one a buyer gets depends on the order and on `response_type`:
- the order itself: paid at once (cash at the gate, a free order), or `response_type=json` for
  mobile money, with what became of the payment request;
- `{"link", "order_number", "currency_code"}`: `response_type=html`, a payment page to send the
  buyer to;
- `{"pay_response", "order_number"}`: `response_type=json` for card payments (and mobile money
  orders whose payer's phone is outside Kenya and Uganda), the signed fields of a form to post to
  the card gateway; each answer records a new payment attempt.
"""
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, PolymorphicProxySerializer
from rest_framework import serializers

from mookh.core.serializers import StrictCharField
from orders.api.serializers import OrderSerializer


class PaymentRequestOutput(serializers.Serializer):
    started = serializers.BooleanField(help_text="Whether a payment request reached the payer's phone.")
    message = StrictCharField(help_text="What the buyer should do next, or why nothing was sent.")


class OrderCreatedOutput(OrderSerializer):
    """The order; for mobile money with `response_type=json`, also the payment request."""

    # Not read_only: the schema would list it as always present (a read-only field is required there).
    payment = PaymentRequestOutput(required=False, help_text="Only for mobile money with response_type=json.")


class PaymentLinkOutput(serializers.Serializer):
    link = serializers.URLField(help_text="The order's payment page (/payments/links/{id}/): its summary, "
                                          "a mobile money prompt and the card form, usable on a phone.")
    order_number = StrictCharField()
    currency_code = StrictCharField()


class CardPaymentForm(serializers.Serializer):
    status = serializers.BooleanField(help_text="Whether the form can be posted (false: no card gateway).")
    message = StrictCharField()
    url = serializers.URLField(allow_null=True, help_text="Where to post the form (the card gateway's pay page).")
    payload = serializers.DictField(
        child=StrictCharField(), allow_null=True,
        help_text="The form's fields and values (Cybersource Secure Acceptance), signed: post them unchanged. "
                  "`transaction_uuid` names the payment attempt; `reference_number` is the order number.")


class CardPaymentOutput(serializers.Serializer):
    pay_response = CardPaymentForm()
    order_number = StrictCharField()


ORDER_PAID_EXAMPLE = {
    "id": "0b7f3c52-5d0e-4a8e-9a51-2f0c1d7e9b44",
    "customer": {"email": "jane@example.com", "name": "Jane Wanjiru", "phone_number": "+254720111222"},
    "payer": {"email": "jane@example.com", "name": "Jane Wanjiru", "phone_number": "+254720111222"},
    "agent": "5a1d2f0e-8c3b-4f6a-9e27-7d4b1c0a3e91",
    "order_detail": [{
        "id": "c3e1a9d4-2b7f-4e0a-8d5c-1f9b6a2e7c30", "name": "Regular", "type_name": "store.ticket",
        "item_id": "9e4d2b1a-7c3f-4a5e-b8d0-6f1e2a9c4b57", "item_quantity": 2,
        "selling_price": "1500.00", "promo_amount": "0.00", "promo_code": None,
        "event_name": "Sauti Sol Live", "event_venue": "KICC, Nairobi",
        "start_date": "2030-01-05T19:00:00+03:00", "ticket_name": "Regular",
        "ticket_names": ["Jane Wanjiru", "Otieno Kamau"],
    }],
    "order_status": "PAID", "order_number": "4XS6XY", "currency": "KES", "order_amount": "3000.00",
    "order_balance": "0.00", "payment_method": "CASH", "payment_installments": 1, "is_pay_later": False,
    "is_gate_purchase": True, "expires_at": "2030-01-05T18:15:00+03:00",
    "created": "2030-01-05T18:00:00+03:00", "updated": "2030-01-05T18:00:00+03:00",
}

ORDER_CREATED_RESPONSE = OpenApiResponse(
    PolymorphicProxySerializer(
        component_name="OrderCreateResponse", resource_type_field_name=None,
        serializers=[OrderCreatedOutput, PaymentLinkOutput, CardPaymentOutput]),
    description="The order (paid at once, or mobile money with response_type=json), a payment page "
                "(response_type=html), or a card payment form (CARD with response_type=json).",
    examples=[
        OpenApiExample("Paid at once", value=ORDER_PAID_EXAMPLE, response_only=True, status_codes=["201"],
                       description="Cash sold by a store agent at the gate, or an order that costs nothing "
                                   "(abridged: every field of the order is there)."),
        OpenApiExample("Mobile money, response_type=json", response_only=True, status_codes=["201"],
                       value={**ORDER_PAID_EXAMPLE, "agent": None, "order_status": "PENDING",
                              "order_balance": "3000.00", "payment_method": "MOBILE", "is_gate_purchase": False,
                              "payment": {"started": True,
                                          "message": "Enter your M-Pesa PIN on +254720111222 to pay KES 3000.00."}},
                       description="The order, waiting for its payment, and the payment request sent to "
                                   "the payer's phone (abridged)."),
        OpenApiExample("Payment page, response_type=html", response_only=True, status_codes=["201"],
                       value={"link": "https://api.example.com/payments/links/f686353f-a22e-4ce7-891d-ec33f825571f/",
                              "order_number": "4XS6XY", "currency_code": "KES"},
                       description="Send the buyer to the link to pay by M-Pesa or card."),
        OpenApiExample("Card payment form, response_type=json", response_only=True, status_codes=["201"],
                       value={"pay_response": {
                           "status": True,
                           "message": "Post the payload's fields, as they are, as a form to the url.",
                           "url": "https://secureacceptance.cybersource.com/pay",
                           "payload": {"profile_id": "95C874BF-D61F-4A41-B7C1-B537F2C45723",
                                       "transaction_uuid": "5e3c6da4db277", "transaction_type": "sale",
                                       "reference_number": "4XS6XY", "amount": "3000.00", "currency": "KES",
                                       "signed_field_names": "profile_id,transaction_uuid,transaction_type,"
                                                             "reference_number,amount,currency",
                                       "signature": "rpBVviEAm1i4b7+7rRthNot0qpy70Fc0TJEE3CJjZ4w="}},
                           "order_number": "4XS6XY"},
                       description="Build a form from the payload and post it to the url: the buyer pays "
                                   "on the card gateway's page."),
    ],
)
