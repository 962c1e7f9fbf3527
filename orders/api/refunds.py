"""POST /stores/orders/{id}/refund/: its body and its answers, declared for the schema."""
from decimal import Decimal

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers

from mookh.core.serializers import StrictCharField, StrictDecimalField
from orders.api.serializers import OrderSerializer

PROBLEM = inline_serializer("RefundProblem", {
    "detail": StrictCharField(), "code": StrictCharField(),
})


class OrderRefundInput(serializers.Serializer):
    amount = StrictDecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True,
        help_text="How much to send back, in the order's currency. Absent: everything the order received and "
                  "has not refunded. At most what was received and not refunded or being refunded.")

    def validate_amount(self, amount: Decimal | None):
        if amount is not None and amount <= 0:
            raise serializers.ValidationError("Give an amount above 0.")
        return amount


REFUND_DESCRIPTION = (
    "Sends money back through the provider that took it (M-Pesa reversal, Airtel Money refund, MTN MoMo "
    "refund, card refund; cash is recorded for staff to hand back), split over the order's payments, newest "
    "first, each refunded at most its own amount. The order's `refunds[]` shows each part. A refund of "
    "everything makes a PAID order REFUNDED: its tickets and download links are void, its promo code uses "
    "are given back and its seats go back on sale unless their event has started. A partial refund returns "
    "money only. M-Pesa and Airtel Money refund whole payments only.")

REFUND_RESPONSES = {
    200: OpenApiResponse(OrderSerializer, description="The money is back (or, for cash, owed by staff)."),
    202: OpenApiResponse(OrderSerializer, description="A provider answers later (an M-Pesa reversal's result): "
                                                      "the refund is PENDING in `refunds[]`."),
    400: OpenApiResponse(description="`amount` is not a number, not above 0, or more than can be refunded "
                                     "(the message says the most)."),
    404: OpenApiResponse(description="No such order among those you manage."),
    409: OpenApiResponse(PROBLEM, description="`not_paid`: the order received nothing; `order_open`: it is still "
                                              "being paid (cancel it instead); `nothing_to_refund`; "
                                              "`whole_payments_only` (with the `amounts` that can be refunded); "
                                              "`refund_refused`: the provider refused, the order is as it was.",
                         examples=[OpenApiExample("Refused by the provider", response_only=True, status_codes=["409"],
                                                  value={"detail": "The payment provider refused the refund: mpesa "
                                                                   "9000.00: The transaction has already been "
                                                                   "reversed. (R000001)",
                                                         "code": "refund_refused", "refunded": "0.00",
                                                         "refused": [{"id": "f3c1…", "provider": "mpesa",
                                                                      "amount": "9000.00",
                                                                      "reason": "The transaction has already been "
                                                                                "reversed. (R000001)"}]})]),
}
