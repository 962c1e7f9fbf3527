from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from mookh.core.identity import email_identity
from mookh.core.throttling import per_address, per_value
from users import services
from users.api import serializers as s
from users.models import Role
from users.selectors import user_is_super_admin, users_visible_to


def _limits(scope: str) -> list:
    """A limit per account named by the body's `email` first, and a generous one per address
    (thousands of honest buyers can share one carrier address)."""
    return [per_value(scope, "email", normalize=email_identity), per_address(f"{scope}_address")]


LOGIN_LIMITS = _limits("login")
REGISTRATION_LIMITS = _limits("registration")
VERIFICATION_LIMITS = _limits("verification")
VERIFICATION_RESEND_LIMITS = _limits("verification_resend")
PASSWORD_RESET_LIMITS = _limits("password_reset")
PASSWORD_RESET_CONFIRM_LIMITS = _limits("password_reset_confirm")


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                  viewsets.GenericViewSet):
    http_method_names = ["get", "post", "patch", "head", "options"]
    search_fields = ("email", "first_name", "last_name", "phone_number")
    filterset_fields = ("is_verified", "is_active")
    ordering_fields = ("date_joined", "email")

    def get_permissions(self):
        if self.action in ("create", "user_roles"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_throttles(self):
        if self.action == "create":
            return [throttle() for throttle in REGISTRATION_LIMITS]
        return super().get_throttles()

    def get_queryset(self):
        return users_visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return s.RegistrationSerializer
        if user_is_super_admin(self.request.user):
            return s.UserSerializer
        return s.SelfUserSerializer

    @extend_schema(request=s.RegistrationSerializer, responses={201: s.UserSerializer})
    def create(self, request):
        data = s.RegistrationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_register(**data.validated_data)
        return Response(s.UserSerializer(user, context={"request": request}).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = services.user_update(user=serializer.instance, **serializer.validated_data)

    @extend_schema(responses={200: OpenApiResponse(description="Role names", response={"type": "array", "items": {"type": "string"}})})
    @action(detail=False, methods=["get"], url_path="user_roles", pagination_class=None)
    def user_roles(self, request):
        return Response(Role.values)


class VerificationView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = VERIFICATION_LIMITS

    @extend_schema(request=s.VerificationSerializer, responses={200: s.MessageSerializer})
    def post(self, request):
        data = s.VerificationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        verification = services.user_verify(**data.validated_data)
        if verification.already_verified:
            return Response({"message": ["Account already verified"]})
        return Response({"message": ["Account verified successfully"]})


class VerificationResendView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = VERIFICATION_RESEND_LIMITS

    @extend_schema(request=s.EmailSerializer, responses={200: s.MessageSerializer})
    def post(self, request):
        data = s.EmailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.verification_resend(email=data.validated_data["email"])
        return Response({"message": ["If the account exists and is not verified, a new code was sent."]})


class PasswordResetView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = PASSWORD_RESET_LIMITS

    @extend_schema(request=s.EmailSerializer, responses={200: s.MessageSerializer})
    def post(self, request):
        data = s.EmailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_request(email=data.validated_data["email"])
        return Response({"message": ["If the account exists, a reset code was sent."]})


class PasswordResetConfirmView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = PASSWORD_RESET_CONFIRM_LIMITS

    @extend_schema(request=s.PasswordResetConfirmSerializer, responses={200: s.MessageSerializer})
    def post(self, request):
        data = s.PasswordResetConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_confirm(**data.validated_data)
        return Response({"message": ["Password changed successfully"]})


class TokenView(TokenObtainPairView):
    serializer_class = s.TokenSerializer
    throttle_classes = LOGIN_LIMITS


class TokenRotateView(TokenRefreshView):
    # Refresh tokens cannot be guessed: only the per-address limit applies.
    throttle_classes = [per_address("token_refresh_address")]
