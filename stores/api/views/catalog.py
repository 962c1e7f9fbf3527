"""Store types, stores, store agents, event categories, content categories and media types."""
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from stores import services
from stores.api import serializers as s
from stores.api.filters import StoreFilter
from stores.models import Category, EventCategory, MediaType, StoreAgent, StoreType
from stores.services.guards import store_manage_require
from stores.selectors import store_agent_find, store_agents_of, stores_visible_to

WRITE_METHODS = ["get", "post", "put", "patch", "delete", "head", "options"]


class SharedReferenceViewSet(viewsets.ModelViewSet):
    """A named list every store shares: readable by anyone; only super admins add, rename and delete."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    http_method_names = WRITE_METHODS
    search_fields = ("name",)
    ordering_fields = ("name", "created")

    def perform_create(self, serializer):
        serializer.instance = services.reference_create(model=self.queryset.model, actor=self.request.user,
                                                        **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.reference_update(row=serializer.instance, actor=self.request.user,
                                                        **serializer.validated_data)

    def perform_destroy(self, instance):
        services.reference_delete(row=instance, actor=self.request.user)


class StoreTypeViewSet(SharedReferenceViewSet):
    """Store types (events, music, books)."""

    queryset = StoreType.objects.all()
    serializer_class = s.StoreTypeSerializer


class StoreViewSet(viewsets.ModelViewSet):
    """Stores the caller owns or works at (every store for super admins). Creating one makes you its owner."""

    serializer_class = s.StoreSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = WRITE_METHODS
    filterset_class = StoreFilter
    search_fields = ("store_name",)
    ordering_fields = ("store_name", "created")

    def get_queryset(self):
        return stores_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.store_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.store_update(store=serializer.instance, actor=self.request.user,
                                                    **serializer.validated_data)

    def perform_destroy(self, instance):
        services.store_delete(store=instance, actor=self.request.user)


STORE_PATH_PARAMETER = OpenApiParameter("store_pk", OpenApiTypes.UUID, OpenApiParameter.PATH,
                                        description="The store's id.")
AGENT_PATH_PARAMETER = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH,
                                        description="The agent's id or the agent user's id.")


INVITATION_SENT = "If this address can be invited, an invitation was sent to it."


@extend_schema_view(
    list=extend_schema(parameters=[STORE_PATH_PARAMETER], description="The store's agents (owner only)."),
    create=extend_schema(
        parameters=[STORE_PATH_PARAMETER], request=s.StoreAgentInviteSerializer,
        responses={202: s.StoreAgentInviteResultSerializer},
        description="Invite an address to become an agent of the store. The answer is the same whether or not "
                    "the address has an account, is already an agent or already has a pending invitation. "
                    "The person accepts at POST /users/invitations/{id}/accept/ (emailed link); pending "
                    "invitations expire after 7 days.",
    ),
    destroy=extend_schema(parameters=[STORE_PATH_PARAMETER, AGENT_PATH_PARAMETER],
                          description="Remove an agent; a pending invitation of theirs to this store is withdrawn."),
)
class StoreAgentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                        viewsets.GenericViewSet):
    """The owner lists the store's agents, invites new ones by email and removes them."""

    serializer_class = s.StoreAgentSerializer
    permission_classes = [IsAuthenticated]
    search_fields = ("user__email", "user__first_name", "user__last_name")
    ordering_fields = ("created",)

    def store(self):
        store = stores_visible_to(self.request.user).filter(pk=self.kwargs["store_pk"]).first()
        if store is None:
            raise Http404
        return store

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no store in the URL
            return StoreAgent.objects.none()
        store = self.store()
        if self.action == "list":
            store_manage_require(actor=self.request.user, store=store)
        return store_agents_of(store)

    def get_object(self):
        agent = store_agent_find(store=self.store(), key=self.kwargs["pk"])
        if agent is None:
            raise Http404
        return agent

    def get_throttles(self):
        self.throttle_scope = "agent_invitation" if self.action == "create" else None
        return super().get_throttles()

    def create(self, request, store_pk=None):
        data = s.StoreAgentInviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.store_agent_invite(store=self.store(), actor=request.user, email=data.validated_data["email"])
        return Response({"detail": INVITATION_SENT}, status=status.HTTP_202_ACCEPTED)

    def perform_destroy(self, instance):
        services.store_agent_remove(agent=instance, actor=self.request.user)


class EventCategoryViewSet(viewsets.ModelViewSet):
    """Readable by anyone; only super admins add, change and delete them (shared by every store)."""

    queryset = EventCategory.objects.all()
    serializer_class = s.EventCategorySerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    http_method_names = WRITE_METHODS
    filterset_fields = ("event_label",)
    search_fields = ("category_name", "event_label")
    ordering_fields = ("category_name", "created")

    def perform_create(self, serializer):
        serializer.instance = services.event_category_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.event_category_update(event_category=serializer.instance,
                                                             actor=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.event_category_delete(event_category=instance, actor=self.request.user)


class CategoryViewSet(SharedReferenceViewSet):
    """Content categories (HipHop, Gospel, Fiction…)."""

    queryset = Category.objects.all()
    serializer_class = s.CategorySerializer


class MediaTypeViewSet(SharedReferenceViewSet):
    """ALBUM, TRACK, EBOOK (created by a migration)."""

    queryset = MediaType.objects.all()
    serializer_class = s.MediaTypeSerializer
