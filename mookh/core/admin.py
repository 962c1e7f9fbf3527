"""Admin pieces shared by every app."""


class ReadOnlyAdminMixin:
    """Shown, never added, changed or deleted in the admin: these rows move only through services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
