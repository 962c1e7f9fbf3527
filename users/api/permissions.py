from rest_framework.permissions import BasePermission

from users.selectors import user_is_super_admin


class IsSuperAdmin(BasePermission):
    def has_permission(self, request, view):
        return user_is_super_admin(request.user)
