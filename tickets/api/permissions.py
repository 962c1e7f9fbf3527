from rest_framework.permissions import BasePermission

from mookh.core.errors import PermissionDenied
from stores.selectors import user_staffs_any_store


class IsGateStaff(BasePermission):
    """Owners and agents of some store, and super admins; which tickets they may check in is the
    service's question (another store's ticket is a 404, as for anyone who may not see it)."""

    def has_permission(self, request, view):
        if not user_staffs_any_store(request.user):
            # Raised rather than answered False: the 403 then carries a `code`, as domain refusals do.
            raise PermissionDenied("Only a store's owner, its agents or a super admin can check tickets in.")
        return True
