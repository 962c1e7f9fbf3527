from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from orders import services
from orders.api.filters import OrderFilter
from orders.api.inputs import OrderPlaceInput
from orders.api.refunds import REFUND_DESCRIPTION, REFUND_RESPONSES, OrderRefundInput
from orders.api.response_serializers import ORDER_CREATED_RESPONSE
from orders.api.responses import order_created_response
from orders.api.throttles import ORDER_CREATE_THROTTLES
from orders.api.serializers import OrderSerializer
from orders.selectors import orders_managed_by, orders_visible_to, orders_with_lines
from orders.services.idempotency import KEY_MAX_LENGTH, KEY_MIN_LENGTH

IDEMPOTENCY_HEADER = OpenApiParameter("Idempotency-Key", {"type": "string", "minLength": KEY_MIN_LENGTH,
                                                          "maxLength": KEY_MAX_LENGTH},
                                      OpenApiParameter.HEADER, required=False,
                                      description="Same key and body within 24 h: the first answer, nothing new.")


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """v2 orders (seed 001)."""

    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    search_fields = ("order_number", "customer_email", "customer_phone", "customer_name")
    ordering_fields = ("created", "order_amount", "status")

    def get_permissions(self):
        return [AllowAny()] if self.action in ("create", "retrieve") else [IsAuthenticated()]

    def get_throttles(self):
        if self.action == "create":
            return [*(throttle() for throttle in ORDER_CREATE_THROTTLES), *super().get_throttles()]
        return super().get_throttles()

    def get_queryset(self):
        if self.action == "retrieve":
            return orders_with_lines()  # anyone holding the order's UUID may read it
        return orders_visible_to(self.request.user)

    @extend_schema(request=OrderPlaceInput, parameters=[IDEMPOTENCY_HEADER], responses={201: ORDER_CREATED_RESPONSE})
    def create(self, request):
        data = OrderPlaceInput(data=request.data)
        data.is_valid(raise_exception=True)
        placed = services.order_place_idempotent(
            data.order_request(), placed_by=request.user, payload=request.data,
            idempotency_key=request.headers.get("Idempotency-Key") or None)
        if placed.first_body is not None:
            return Response(placed.first_body, status=placed.first_status)
        if placed.replayed:
            order, lines, payments = self._fresh(placed.order), None, None
        else:
            order, lines, payments = placed.order, placed.lines, placed.payments
        body = order_created_response(order, lines=lines, payments=payments,
                                      response_type=data.validated_data["response_type"], request=request)
        if placed.key:
            services.idempotency_response_store(key=placed.key, status=status.HTTP_201_CREATED, body=body)
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        order = get_object_or_404(orders_managed_by(request.user), pk=pk)
        services.order_cancel(order_id=order.pk, by_user=request.user)
        return Response(OrderSerializer(self._fresh(order), context={"request": request}).data)

    @extend_schema(request=OrderRefundInput, responses=REFUND_RESPONSES, description=REFUND_DESCRIPTION)
    @action(detail=True, methods=["post"])
    def refund(self, request, pk=None):
        order = get_object_or_404(orders_managed_by(request.user), pk=pk)
        data = OrderRefundInput(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = services.order_money_refund(order_id=order.pk, amount=data.validated_data.get("amount"),
                                              by_user=request.user)
        return Response(OrderSerializer(self._fresh(order), context={"request": request}).data,
                        status=status.HTTP_202_ACCEPTED if outcome == "pending" else status.HTTP_200_OK)

    def _fresh(self, order):
        return orders_with_lines().get(pk=order.pk)
