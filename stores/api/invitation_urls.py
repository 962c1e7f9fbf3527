"""Mounted under /users/ (mookh/urls.py): the invited user's agent invitations."""
from mookh.core.api import Router
from stores.api.views.invitations import AgentInvitationViewSet

router = Router()
router.register("invitations", AgentInvitationViewSet, basename="agent-invitation")

urlpatterns = router.urls
