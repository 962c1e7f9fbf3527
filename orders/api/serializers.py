"""Response shapes of v2 orders (seed 001): declared for the schema, rendered by representation.py."""
from rest_framework import serializers

from orders.api.representation import line_representation, order_representation

MONEY = {"max_digits": 14, "decimal_places": 2, "read_only": True}
TEXT = {"read_only": True, "allow_null": True}


class PersonOutput(serializers.Serializer):
    email = serializers.EmailField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    phone_number = serializers.CharField(allow_null=True)


class OrderLineSerializer(serializers.Serializer):
    """Ticket lines carry the ticket and event fields, album lines the album fields (seed 001)."""

    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    item_id = serializers.UUIDField(read_only=True)
    type_name = serializers.CharField(read_only=True)
    item_quantity = serializers.IntegerField(read_only=True)
    selling_price = serializers.DecimalField(**MONEY)
    promo_amount = serializers.DecimalField(**MONEY)
    promo_code = serializers.CharField(**TEXT)
    created = serializers.DateTimeField(read_only=True)
    updated = serializers.DateTimeField(read_only=True)
    ticket_url = serializers.URLField(**TEXT)
    event = serializers.UUIDField(required=False, read_only=True)
    event_name = serializers.CharField(required=False, read_only=True)
    event_venue = serializers.CharField(**TEXT)
    event_description = serializers.CharField(required=False, read_only=True)
    event_poster = serializers.URLField(**TEXT)
    event_link = serializers.URLField(required=False, read_only=True)
    ticket_name = serializers.CharField(required=False, read_only=True)
    ticket_description = serializers.CharField(**TEXT)
    start_date = serializers.DateTimeField(required=False, read_only=True)
    end_date = serializers.DateTimeField(**TEXT)
    ticket_files = serializers.ListField(child=serializers.DictField(), required=False, read_only=True)
    ticket_names = serializers.ListField(child=serializers.CharField(), required=False, read_only=True)
    data_entries = serializers.DictField(required=False, read_only=True)
    album = serializers.UUIDField(required=False, read_only=True)
    category = serializers.UUIDField(**TEXT)
    category_name = serializers.CharField(**TEXT)
    media_type = serializers.UUIDField(required=False, read_only=True)
    media_type_name = serializers.CharField(required=False, read_only=True)
    description = serializers.CharField(required=False, read_only=True)
    store_name = serializers.CharField(required=False, read_only=True)
    authors = serializers.ListField(child=serializers.CharField(), required=False, read_only=True)
    thumbnail = serializers.URLField(**TEXT)
    media_files = serializers.ListField(child=serializers.DictField(), required=False, read_only=True)

    def to_representation(self, line):
        return line_representation(line, self.context.get("request"))


class OrderSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    customer = PersonOutput(read_only=True)
    payer = PersonOutput(read_only=True)
    agent = serializers.UUIDField(**TEXT)
    order_detail = OrderLineSerializer(many=True, read_only=True)
    order_status = serializers.CharField(read_only=True)
    order_number = serializers.CharField(read_only=True)
    currency = serializers.CharField(read_only=True)
    short_url = serializers.URLField(**TEXT)
    order_amount = serializers.DecimalField(**MONEY)
    order_balance = serializers.DecimalField(**MONEY)
    payment_method = serializers.CharField(read_only=True)
    exact_payment_method = serializers.CharField(read_only=True)
    payment_installments = serializers.IntegerField(read_only=True)
    installments_amount = serializers.DecimalField(**MONEY)
    is_promo_order = serializers.BooleanField(read_only=True)
    order_channel = serializers.CharField(read_only=True)
    registration_data = serializers.ListField(child=serializers.DictField(), read_only=True)
    is_mobile_payments = serializers.BooleanField(read_only=True)
    payment_reference = serializers.CharField(**TEXT)
    is_pay_later = serializers.BooleanField(read_only=True)
    is_gate_purchase = serializers.BooleanField(read_only=True)
    flag_email_sent = serializers.BooleanField(read_only=True)
    flag_sms_sent = serializers.BooleanField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)
    created = serializers.DateTimeField(read_only=True)
    updated = serializers.DateTimeField(read_only=True)

    def to_representation(self, order):
        return order_representation(order, self.context.get("request"))

