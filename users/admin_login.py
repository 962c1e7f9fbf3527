"""django-axes, configured to guard the Django admin's sign-in form only (settings: AXES_*).

The API's JWT sign-in calls `authenticate()` too; its failures are limited by the throttles of
users.api.views instead, so they are neither checked (AXES_ONLY_ADMIN_SITE) nor recorded here.
"""
from axes.handlers.database import AxesDatabaseHandler


def admin_login_username(request, credentials) -> str | None:
    """The account an admin sign-in names, as accounts are matched: trimmed, lower-case (else
    "Admin@x" and "admin@x" would be counted apart while reaching the same account)."""
    data = credentials if credentials else getattr(request, "POST", {})
    username = data.get("username") if hasattr(data, "get") else None
    return username.strip().lower() if isinstance(username, str) else None


class AdminLoginHandler(AxesDatabaseHandler):
    """Axes' database handler, counting failures of admin sign-ins only."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None or not self.is_admin_request(request):
            return None
        return super().user_login_failed(sender, credentials, request, **kwargs)
