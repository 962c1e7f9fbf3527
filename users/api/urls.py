from mookh.core.api import Router, optional_slash_path
from users.api import views

router = Router()
router.register("user", views.UserViewSet, basename="user")

urlpatterns = [
    optional_slash_path("verification/resend/", views.VerificationResendView.as_view(), name="verification-resend"),
    optional_slash_path("verification/", views.VerificationView.as_view(), name="verification"),
    optional_slash_path("token/refresh/", views.TokenRotateView.as_view(), name="token-refresh"),
    optional_slash_path("token/", views.TokenView.as_view(), name="token"),
    optional_slash_path("password/reset/confirm/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    optional_slash_path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    *router.urls,
]
