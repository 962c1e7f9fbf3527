"""A store's API keys, managed by its owner: /stores/store/{store_pk}/api_keys/."""
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from stores import services
from stores.api import serializers as s
from stores.api.views.catalog import STORE_PATH_PARAMETER
from stores.models import StoreApiKey
from stores.selectors import store_api_keys_of, stores_visible_to
from stores.services.guards import store_manage_require

KEY_PATH_PARAMETER = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The key's id.")


@extend_schema_view(
    list=extend_schema(parameters=[STORE_PATH_PARAMETER], description="The store's working keys (owner only); "
                                                                      "tokens are never shown again."),
    create=extend_schema(parameters=[STORE_PATH_PARAMETER], request=s.StoreApiKeyCreateSerializer,
                         responses={201: s.StoreApiKeyIssuedSerializer},
                         description="Issue a key: `app_id` and `app_token` authenticate /v1/ requests as this "
                                     "store (headers X-App-Id and X-App-Token). Keep the token: it is shown once."),
    destroy=extend_schema(parameters=[STORE_PATH_PARAMETER, KEY_PATH_PARAMETER],
                          description="Revoke a key: it stops working at once."),
)
class StoreApiKeyViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                         viewsets.GenericViewSet):
    serializer_class = s.StoreApiKeySerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    pagination_class = None

    def store(self):
        store = stores_visible_to(self.request.user).filter(pk=self.kwargs["store_pk"]).first()
        if store is None:
            raise Http404
        store_manage_require(actor=self.request.user, store=store)
        return store

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no store in the URL
            return StoreApiKey.objects.none()
        return store_api_keys_of(self.store())

    def get_throttles(self):
        self.throttle_scope = "api_key_create" if self.action == "create" else None
        return super().get_throttles()

    def create(self, request, store_pk=None):
        data = s.StoreApiKeyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issued = services.store_api_key_create(store=self.store(), actor=request.user, name=data.validated_data["name"])
        body = {**s.StoreApiKeySerializer(issued.key).data, "app_token": issued.app_token}
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.store_api_key_revoke(key=instance, actor=self.request.user)
