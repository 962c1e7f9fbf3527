"""The invited person's side of agent invitations, served under /users/invitations/."""
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from stores import services
from stores.api import serializers as s
from stores.models import StoreAgentInvitation
from stores.selectors import agent_invitations_pending_for

ANSWER_RESPONSES = {
    200: s.StoreAgentInvitationSerializer,
    404: OpenApiResponse(description="No such invitation addressed to you."),
    409: OpenApiResponse(description="Already answered or withdrawn (invitation_not_pending), "
                                     "or expired (invitation_expired)."),
}


@extend_schema_view(
    list=extend_schema(description="Your pending, unexpired invitations to become an agent of a store "
                                   "(addressed to your verified account's email)."),
)
class AgentInvitationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Invitations to become a store's agent, as the invited user sees and answers them."""

    serializer_class = s.StoreAgentInvitationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StoreAgentInvitation.objects.none()
        return agent_invitations_pending_for(self.request.user).order_by("-created", "pk")

    @extend_schema(request=None, responses=ANSWER_RESPONSES,
                   description="Become an agent of the store (gains the store_agent role). Accepting again "
                               "answers the same while you are still its agent.")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        invitation = services.store_agent_invitation_accept(invitation_id=pk, user=request.user)
        return Response(s.StoreAgentInvitationSerializer(invitation).data)

    @extend_schema(request=None, responses=ANSWER_RESPONSES, description="Turn the invitation down.")
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        invitation = services.store_agent_invitation_decline(invitation_id=pk, user=request.user)
        return Response(s.StoreAgentInvitationSerializer(invitation).data)
