from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response

from promos import services
from promos.api import group_serializers as g
from promos.api import serializers as s
from promos.api.throttles import PROMO_VALIDATE_THROTTLES, promo_guess_failed
from promos.models import Promotion
from promos.selectors import (promo_cart_line, promo_quote, promotions_visible_to, store_managed_get,
                              user_manages_promotions)
from mookh.core.api import UUID_PATTERN


class ManagesPromotions(BasePermission):
    """Store owners (for their stores) and super admins; not agents nor customers.

    A route naming a store or a promotion is left to the queryset: what the caller may not manage is
    then a 404, as it is for another store's owner, rather than a 403 that would tell it exists."""

    def has_permission(self, request, view):
        names_an_object = view.lookup_field in view.kwargs or "store_id" in view.kwargs
        return names_an_object or user_manages_promotions(request.user)


class PromotionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """What both shapes share: lists, reads, deletes; subclasses say how a body maps to the service."""

    lookup_value_regex = UUID_PATTERN
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    permission_classes = [IsAuthenticated, ManagesPromotions]
    search_fields = ("name", "codes__code")
    ordering_fields = ("created", "name")
    kind: str

    def reloaded(self, promotion: Promotion) -> Promotion:
        return self.get_queryset().get(pk=promotion.pk)

    def destroy(self, request, *args, **kwargs):
        services.promotion_delete(promotion=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["promotions"])
@extend_schema_view(update=extend_schema(request=s.PromoCodeInput, responses={200: s.PromoCodeOutput}),
                    partial_update=extend_schema(request=s.PromoCodeInput, responses={200: s.PromoCodeOutput}))
class PromoCodeViewSet(PromotionViewSet):
    """Mookh promo codes (seed 000): one code per promotion."""

    serializer_class = s.PromoCodeOutput
    filterset_fields = ("store", "event", "is_active")

    def get_permissions(self):
        if self.action == "validate":
            return [AllowAny()]
        return super().get_permissions()

    def get_throttles(self):
        if self.action == "validate":
            return [throttle() for throttle in PROMO_VALIDATE_THROTTLES]
        return super().get_throttles()

    def get_queryset(self):
        return promotions_visible_to(self.request.user, kind=Promotion.Kind.SINGLE)

    @extend_schema(request=s.PromoCodeCreateInput, responses={201: s.PromoCodeOutput})
    def create(self, request):
        data = s.PromoCodeCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        promotion = services.promotion_create(actor=request.user, kind=Promotion.Kind.SINGLE,
                                              **data.service_kwargs())
        return Response(s.PromoCodeOutput(self.reloaded(promotion)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        promotion = self.get_object()
        data = s.PromoCodeInput(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        promotion = services.promotion_update(promotion=promotion, **data.service_kwargs(promotion))
        return Response(s.PromoCodeOutput(self.reloaded(promotion)).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=s.PromoValidateInput, responses={200: s.PromoValidateOutput},
                   summary="What a code would take off an item, or why it does not apply",
                   description="Public. 200 with `valid: true` and the amounts, or `valid: false` with a `reason` "
                               "(unknown, inactive, not_started, expired, not_applicable, below_minimum, "
                               "exhausted, per_person_limit). An unknown item, or one not on sale, is a 400 "
                               "naming `item_id`.")
    @action(detail=False, methods=["post"], url_path="validate", pagination_class=None, filter_backends=[])
    def validate(self, request):
        data = s.PromoValidateInput(data=request.data)
        data.is_valid(raise_exception=True)
        body, customer = data.validated_data, data.validated_data.get("customer") or {}
        line = promo_cart_line(item_id=body["item_id"], type_name=body["type_name"],
                               quantity=body["item_quantity"], currency=body.get("currency"))
        quote, promo_code = promo_quote(code=body["code"], line=line, email=customer.get("email"),
                                        phone=customer.get("phone_number"))
        if quote.reason == "unknown":
            promo_guess_failed(request)
        return Response(s.validation_result(quote=quote, line=line, promo_code=promo_code))


STORE_PARAMETER = OpenApiParameter("store_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The store (shop)")


@extend_schema(tags=["promotions"])
@extend_schema_view(list=extend_schema(parameters=[STORE_PARAMETER]),
                    retrieve=extend_schema(parameters=[STORE_PARAMETER]),
                    destroy=extend_schema(parameters=[STORE_PARAMETER]),
                    update=extend_schema(parameters=[STORE_PARAMETER], request=g.PromoGroupInput,
                                         responses={200: g.PromoGroupOutput}),
                    partial_update=extend_schema(parameters=[STORE_PARAMETER], request=g.PromoGroupInput,
                                                 responses={200: g.PromoGroupOutput}))
class PromoGroupViewSet(PromotionViewSet):
    """Bakeronline promo-code groups (seed 002): many codes sharing one set of rules."""

    serializer_class = g.PromoGroupOutput
    filterset_fields = ("is_active", "discount_type", "usage_type")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Promotion.objects.none()
        store = store_managed_get(user=self.request.user, store_id=self.kwargs["store_id"])
        return promotions_visible_to(self.request.user, kind=Promotion.Kind.GROUP).filter(store=store)

    @extend_schema(parameters=[STORE_PARAMETER], request=g.PromoGroupCreateInput, responses={201: g.PromoGroupOutput})
    def create(self, request, store_id):
        store = store_managed_get(user=request.user, store_id=store_id)
        data = g.PromoGroupCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        promotion = services.promotion_create(actor=request.user, store_id=store.pk, kind=Promotion.Kind.GROUP,
                                              **data.service_kwargs())
        return Response(g.PromoGroupOutput(self.reloaded(promotion)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        promotion = self.get_object()
        data = g.PromoGroupInput(data=request.data, partial=partial,
                                 context={"discount_type": promotion.discount_type})
        data.is_valid(raise_exception=True)
        promotion = services.promotion_update(promotion=promotion, **data.service_kwargs())
        return Response(g.PromoGroupOutput(self.reloaded(promotion)).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)
