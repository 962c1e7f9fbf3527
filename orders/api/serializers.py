"""Response shapes of v2 orders (seed 001): declared for the schema, rendered by representation.py."""
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from mookh.core.serializers import DateTimeField, StrictCharField, StrictDecimalField
from orders.api.representation import line_representation, order_representation

MONEY = {"max_digits": 14, "decimal_places": 2, "read_only": True}
TEXT = {"read_only": True, "allow_null": True}


class PersonOutput(serializers.Serializer):
    email = serializers.EmailField(allow_null=True, allow_blank=True, help_text="Empty for a gate sale without one.")
    name = StrictCharField(allow_null=True)
    phone_number = StrictCharField(allow_null=True)


class OrderLineFields(serializers.Serializer):
    """What every line carries."""

    id = serializers.UUIDField(read_only=True)
    name = StrictCharField(read_only=True)
    item_id = serializers.UUIDField(read_only=True)
    type_name = StrictCharField(read_only=True)
    item_quantity = serializers.IntegerField(read_only=True)
    selling_price = StrictDecimalField(**MONEY)
    promo_amount = StrictDecimalField(**MONEY)
    promo_code = StrictCharField(**TEXT)
    created = DateTimeField(read_only=True)
    updated = DateTimeField(read_only=True)


class TicketOrderLineSerializer(OrderLineFields):
    """A line of tickets (`type_name` store.ticket): the ticket type and its event; once the order
    is paid, the issued tickets' pages."""

    ticket_url = serializers.URLField(**TEXT)
    ticket_files = serializers.ListField(child=serializers.DictField(), read_only=True)
    event = serializers.UUIDField(read_only=True)
    event_name = StrictCharField(read_only=True)
    event_venue = StrictCharField(**TEXT)
    event_description = StrictCharField(read_only=True)
    event_poster = serializers.URLField(**TEXT)
    event_link = serializers.URLField(read_only=True)
    ticket_name = StrictCharField(read_only=True)
    ticket_description = StrictCharField(**TEXT)
    start_date = DateTimeField(read_only=True)
    end_date = DateTimeField(**TEXT)
    ticket_names = serializers.ListField(child=StrictCharField(), read_only=True)
    data_entries = serializers.DictField(read_only=True)


class AlbumOrderLineSerializer(OrderLineFields):
    """A line of digital content (`type_name` digital_content.album); once the order is paid, its
    files with signed, expiring download links."""

    album = serializers.UUIDField(read_only=True)
    category = serializers.UUIDField(**TEXT)
    category_name = StrictCharField(**TEXT)
    media_type = serializers.UUIDField(read_only=True)
    media_type_name = StrictCharField(read_only=True)
    description = StrictCharField(read_only=True)
    store_name = StrictCharField(read_only=True)
    authors = serializers.ListField(child=StrictCharField(), read_only=True)
    thumbnail = serializers.URLField(**TEXT)
    media_files = serializers.ListField(child=serializers.DictField(), read_only=True)


class ExternalOrderLineSerializer(OrderLineFields):
    """A line an API client sold elsewhere (`type_name` external): its own product, recorded at its
    price, holding no stock and delivering nothing."""

    item_id = serializers.UUIDField(read_only=True, allow_null=True)
    source_id = StrictCharField(read_only=True)
    unit_price = StrictDecimalField(**MONEY)


# An order's `order_detail`: each line in the shape its `type_name` names.
ORDER_LINES = PolymorphicProxySerializer(
    component_name="OrderLine", resource_type_field_name="type_name", many=True,
    serializers={"store.ticket": TicketOrderLineSerializer, "digital_content.album": AlbumOrderLineSerializer,
                 "external": ExternalOrderLineSerializer})


def order_lines_representation(lines, request=None) -> list[dict]:
    return [line_representation(line, request) for line in lines]


class PaymentAttemptOutput(serializers.Serializer):
    """A request for money sent to a provider (an M-Pesa prompt, a card checkout…) and its outcome."""

    id = serializers.UUIDField()
    provider = StrictCharField(help_text="mpesa, airtel, mtn or cybersource")
    exact_payment_method = StrictCharField()
    amount = StrictDecimalField(**MONEY)
    currency = StrictCharField()
    status = serializers.ChoiceField(choices=["STARTING", "PENDING", "SUCCEEDED", "FAILED", "CANCELLED"])
    provider_reference = StrictCharField(allow_null=True,
                                               help_text="What the provider calls it: CheckoutRequestID, …")
    receipt = StrictCharField(allow_null=True, help_text="The provider's receipt once the money arrived.")
    phone = StrictCharField(allow_null=True, help_text="The phone asked to pay (mobile money).")
    description = StrictCharField(help_text="The provider's word on the outcome, e.g. why it failed.")
    created = DateTimeField()


class RefundOutput(serializers.Serializer):
    """Money sent back to the buyer, one payment's share at a time."""

    id = serializers.UUIDField()
    amount = StrictDecimalField(**MONEY)
    currency = StrictCharField()
    status = serializers.ChoiceField(choices=["PENDING", "DONE", "FAILED"],
                                     help_text="PENDING: being sent, or (cash) owed by staff; DONE: the money is back.")
    provider = StrictCharField(allow_null=True, help_text="mpesa, airtel, mtn, cybersource or cash")
    provider_reference = StrictCharField(allow_null=True,
                                               help_text="What the provider calls the refund: ConversationID, …")
    receipt = StrictCharField(allow_null=True, help_text="The provider's reference of the money sent back.")
    failure_reason = StrictCharField(allow_null=True, help_text="Why the provider did not send it back.")
    created = DateTimeField()


class OrderSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    customer = PersonOutput(read_only=True)
    payer = PersonOutput(read_only=True)
    agent = serializers.UUIDField(**TEXT)
    order_detail = serializers.SerializerMethodField()
    order_status = StrictCharField(read_only=True)
    order_number = StrictCharField(read_only=True)
    currency = StrictCharField(read_only=True)
    short_url = serializers.URLField(**TEXT)
    order_amount = StrictDecimalField(**MONEY)
    order_balance = StrictDecimalField(**MONEY)
    payment_method = StrictCharField(read_only=True)
    exact_payment_method = StrictCharField(read_only=True)
    payment_installments = serializers.IntegerField(read_only=True)
    installments_amount = StrictDecimalField(**MONEY)
    is_promo_order = serializers.BooleanField(read_only=True)
    order_channel = StrictCharField(read_only=True)
    registration_data = serializers.ListField(child=serializers.DictField(), read_only=True)
    is_mobile_payments = serializers.BooleanField(read_only=True)
    payment_reference = StrictCharField(**TEXT)
    is_pay_later = serializers.BooleanField(read_only=True)
    is_gate_purchase = serializers.BooleanField(read_only=True)
    flag_email_sent = serializers.BooleanField(read_only=True)
    flag_sms_sent = serializers.BooleanField(read_only=True)
    expires_at = DateTimeField(read_only=True)
    created = DateTimeField(read_only=True)
    updated = DateTimeField(read_only=True)
    payments = PaymentAttemptOutput(many=True, read_only=True)
    refunds = RefundOutput(many=True, read_only=True)

    @extend_schema_field(ORDER_LINES)
    def get_order_detail(self, order):
        return order_lines_representation(order.lines.all(), self.context.get("request"))

    def to_representation(self, order):
        return order_representation(order, self.context.get("request"), lines=self.context.get("lines"),
                                    payments=self.context.get("payments"), new=self.context.get("new", False))

