"""Provider callbacks and the sandbox's completion button: HTTP in, the payments services decide."""
from dataclasses import asdict

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from mookh.core.errors import NotFound
from mookh.core.serializers import StrictCharField, StrictDecimalField
from mookh.core.throttling import client_address, per_address
from payments import services
from payments.models import ProviderCallback

Outcome = ProviderCallback.Outcome
CALLBACK_STATUS = {Outcome.INVALID: status.HTTP_400_BAD_REQUEST, Outcome.UNAUTHENTICATED: status.HTTP_401_UNAUTHORIZED}
DARAJA_ACK = inline_serializer("DarajaAck", {"ResultCode": serializers.IntegerField(),
                                             "ResultDesc": StrictCharField()})


class MpesaCallbackView(APIView):
    """Daraja posts the outcome of an STK prompt here; the path carries MPESA_CALLBACK_TOKEN."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [per_address("payment_callback_address")]

    @extend_schema(request={"application/json": {"type": "object"}}, responses={
        200: DARAJA_ACK, 400: DARAJA_ACK, 401: DARAJA_ACK},
        description="Recorded whatever it says; credited once per receipt. Unknown references are "
                    "acknowledged (200) and kept for staff.")
    def post(self, request, token):
        record = services.mpesa_callback_receive(token=token, body=request.body, headers=callback_headers(request),
                                                 remote_addr=client_address(request))
        answer = CALLBACK_STATUS.get(record.outcome, status.HTTP_200_OK)
        accepted = answer == status.HTTP_200_OK
        return Response({"ResultCode": 0 if accepted else 1, "ResultDesc": "Accepted" if accepted else "Rejected"},
                        status=answer)


def callback_headers(request) -> dict:
    """A callback's headers as kept for audit, without credentials."""
    return {name: value for name, value in request.headers.items() if name.lower() not in ("cookie", "authorization")}


class SandboxCompleteInput(serializers.Serializer):
    order_number = StrictCharField(max_length=6)
    result = serializers.ChoiceField(choices=["success", "failed", "cancelled"], default="success")
    amount = StrictDecimalField(max_digits=12, decimal_places=2, min_value=1, required=False)
    deliver_callback = serializers.BooleanField(
        default=True, help_text="false: the provider records the outcome but its callback is lost; only "
                                "reconciliation (the provider's status query) finds it.")


SANDBOX_COMPLETE_OUTPUT = inline_serializer("SandboxCompleteOutput", {
    "order_number": StrictCharField(), "order_status": StrictCharField(),
    "callback_outcome": StrictCharField(help_text="What became of the callback (credited, not_paid, "
                                                        "review…), or lost when it was not delivered.")})


class SandboxCompleteView(APIView):
    """Sandbox mode only: the order's provider delivers its real callback (404 in live mode)."""

    permission_classes = [AllowAny]
    throttle_classes = [per_address("payment_sandbox_address")]

    @extend_schema(request=SandboxCompleteInput, responses={
        200: SANDBOX_COMPLETE_OUTPUT, 404: OpenApiResponse(description="Live mode, or no such order.")})
    def post(self, request):
        if settings.PAYMENTS_MODE != "sandbox":
            raise NotFound()
        data = SandboxCompleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = services.sandbox_complete(**data.validated_data)
        return Response(asdict(outcome))
