"""The v1 facade (seed 000): the same engine behind the flat order representation."""
from dataclasses import replace

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from mookh.core.errors import InvalidInput
from mookh.core.serializers import (
    ModelSerializer, PhoneNumberField, StrictCharField, StrictDecimalField, StrictRegexField,
)
from orders import services
from orders.api.filters import OrderFilter
from orders.api.inputs import ORDER_LINES_MAX, LineInputSerializer, PersonInput
from orders.api.throttles import ORDER_CREATE_THROTTLES, ORDER_LOOKUP_THROTTLES
from orders.api.serializers import MONEY, ORDER_LINES, order_lines_representation
from orders.models import Order, PaymentMethod
from orders.selectors import order_lines_store_ids, orders_visible_to, orders_with_lines
from orders.services import OrderLabels, OrderRequest

# v1 clients may name the mobile wallet itself as the method.
WALLETS = ("MPESA", "AIRTEL", "MTNUG", "AIRTELUG")


class V1OrderInput(serializers.Serializer):
    customer = PersonInput()
    store_fk = serializers.UUIDField(required=False, allow_null=True)
    order_detail = LineInputSerializer(many=True, allow_empty=False, max_length=ORDER_LINES_MAX)
    currency = StrictRegexField(r"^[A-Z]{3}$", error_messages={"invalid": "Use an ISO 4217 code, e.g. KES."})
    payment_method = serializers.ChoiceField(choices=[*PaymentMethod.values, *WALLETS],
                                             help_text="A v2 method, or the mobile wallet itself (MPESA, …).")
    promo_code = StrictCharField(required=False, allow_blank=True, allow_null=True, max_length=64)
    agent = serializers.UUIDField(required=False, allow_null=True)
    card = StrictCharField(required=False, allow_blank=True, max_length=64, default="")
    order_udf = StrictCharField(required=False, allow_blank=True, max_length=255, default="")

    def order_request(self) -> OrderRequest:
        """The engine's request; v1's flat `promo_code` applies to every line that names none."""
        data = self.validated_data
        method = data["payment_method"]
        code = (data.get("promo_code") or "").strip() or None
        lines = tuple(replace(line, promotional_code=code) if code and not line.promotional_code else line
                      for line in data["order_detail"])
        return OrderRequest(
            customer=data["customer"], lines=lines, currency=data["currency"],
            payment_method=PaymentMethod.MOBILE if method in WALLETS else method,
            exact_payment_method=method if method in WALLETS else None, agent_id=data.get("agent"),
            labels=OrderLabels(card=data["card"], order_udf=data["order_udf"]),
        )

    def store_check(self) -> None:
        """v1 orders name their store (`store_fk`): every item must be that store's."""
        store_id = self.validated_data.get("store_fk")
        if not store_id:
            return
        stores = order_lines_store_ids(self.validated_data["order_detail"])
        wrong = {index: {"item_id": ["This item is not sold by store_fk."]}
                 for index, line_store in enumerate(stores) if line_store is not None and line_store != store_id}
        if wrong:
            raise InvalidInput({"order_detail": wrong})


class V1OrderSerializer(ModelSerializer):
    """Seed 000's flat order."""

    customer = StrictCharField(source="customer_name", read_only=True)
    store_fk = serializers.SerializerMethodField()
    agent_name = serializers.SerializerMethodField()
    event_name = serializers.SerializerMethodField()
    event = serializers.SerializerMethodField()
    order_items_summary = serializers.SerializerMethodField()
    order_detail = serializers.SerializerMethodField()
    order_status = StrictCharField(source="status", read_only=True)
    order_amount = StrictDecimalField(**MONEY)
    order_balance = StrictDecimalField(**MONEY)
    promo_code = serializers.SerializerMethodField()
    promo_code_value = serializers.SerializerMethodField()
    order_type = StrictCharField(source="order_channel", read_only=True)

    class Meta:
        model = Order
        fields = ("id", "customer", "card", "store_fk", "agent", "agent_name", "event_name", "event",
                  "order_items_summary", "order_detail", "order_status", "order_number", "currency", "order_amount",
                  "order_balance", "promo_code", "promo_code_value", "payment_method", "order_type",
                  "payment_reference", "order_udf", "flag_email_sent", "flag_sms_sent")
        read_only_fields = fields

    @extend_schema_field(ORDER_LINES)
    def get_order_detail(self, order):
        return order_lines_representation(order.lines.all(), self.context.get("request"))

    def get_store_fk(self, order) -> str | None:
        lines = order.lines.all()
        return str(lines[0].store_id) if lines else None

    def get_agent_name(self, order) -> str | None:
        """The agent's name; never their email (buyers and other stores see this)."""
        return (order.agent.full_name or "Store agent") if order.agent_id else None

    def get_event_name(self, order) -> str | None:
        event = self._first_event(order)
        return event.event_name if event else None

    def get_event(self, order) -> str | None:
        event = self._first_event(order)
        return str(event.pk) if event else None

    def get_order_items_summary(self, order) -> str:
        return ", ".join(f"{line.item_quantity} x {line.name}" for line in order.lines.all())

    def get_promo_code(self, order) -> str | None:
        return next((line.promo_code for line in order.lines.all() if line.promo_code), None)

    def get_promo_code_value(self, order) -> str:
        return f"{sum(line.promo_amount for line in order.lines.all()):.2f}"

    def _first_event(self, order):
        return next((line.ticket.event for line in order.lines.all() if line.ticket_id), None)


class VerifyInput(serializers.Serializer):
    # The order service refuses a request with neither (InvalidInput).
    schema_rules = [[{"required": ["phone_number"]}, {"required": ["email"]}]]
    order_number = StrictCharField(max_length=6)
    phone_number = PhoneNumberField(required=False, help_text="The order's customer or payer phone.")
    email = serializers.EmailField(required=False, help_text="The order's customer or payer email.")


class PaymentStateSerializer(serializers.Serializer):
    order_number = StrictCharField()
    order_status = StrictCharField(source="status")
    currency = StrictCharField()
    order_amount = StrictDecimalField(**MONEY)
    amount_paid = StrictDecimalField(**MONEY)
    order_balance = StrictDecimalField(**MONEY)
    payment_reference = StrictCharField(allow_null=True)


class QuoteLineSerializer(serializers.Serializer):
    name = StrictCharField()
    item_id = serializers.UUIDField(source="item.pk")
    type_name = StrictCharField()
    item_quantity = serializers.IntegerField(source="quantity")
    unit_price = StrictDecimalField(**MONEY)
    promo_code = serializers.SerializerMethodField()
    promo_amount = StrictDecimalField(**MONEY)
    selling_price = StrictDecimalField(**MONEY)

    def get_promo_code(self, line) -> str | None:
        return line.promotional_code if line.promo_code_id else None


class OrderQuoteSerializer(serializers.Serializer):
    """What an order would cost: prices only, no order, no payment, no links."""

    currency = StrictCharField()
    order_amount = StrictDecimalField(source="amount", **MONEY)
    promo_code_value = StrictDecimalField(source="promo_amount", **MONEY)
    order_detail = QuoteLineSerializer(source="lines", many=True)


class V1OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = V1OrderSerializer
    filterset_class = OrderFilter
    ordering_fields = ("created", "order_amount")

    def get_permissions(self):
        public = ("create", "retrieve", "validate_order", "verify_order")
        return [AllowAny()] if self.action in public else [IsAuthenticated()]

    def get_queryset(self):
        return orders_with_lines() if self.action == "retrieve" else orders_visible_to(self.request.user)

    def get_throttles(self):
        if self.action == "verify_order":  # order numbers are short: no enumeration
            return [throttle() for throttle in ORDER_LOOKUP_THROTTLES]
        if self.action in ("create", "validate_order"):
            return [*(throttle() for throttle in ORDER_CREATE_THROTTLES), *super().get_throttles()]
        return super().get_throttles()

    @extend_schema(request=V1OrderInput, responses={201: V1OrderSerializer})
    def create(self, request):
        data = V1OrderInput(data=request.data)
        data.is_valid(raise_exception=True)
        data.store_check()
        placed = services.order_place(data.order_request(), placed_by=request.user)
        return Response(V1OrderSerializer(orders_with_lines().get(pk=placed.order.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=V1OrderInput, responses={200: OrderQuoteSerializer})
    @action(detail=False, methods=["post"])
    def validate_order(self, request):
        data = V1OrderInput(data=request.data)
        data.is_valid(raise_exception=True)
        data.store_check()
        quote = services.order_quote(data.order_request(), placed_by=request.user)
        return Response(OrderQuoteSerializer(quote).data)

    @extend_schema(request=VerifyInput, responses={200: PaymentStateSerializer, 404: OpenApiResponse(
        description="No such order, or the phone number or email is not the order's.")})
    @action(detail=False, methods=["post"])
    def verify_order(self, request):
        data = VerifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        order = services.order_payment_state(order_number=values["order_number"], phone=values.get("phone_number"),
                                             email=values.get("email"), user=request.user)
        return Response(PaymentStateSerializer(order).data)
