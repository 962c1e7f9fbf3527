"""M-Pesa paybill over HTTP: Daraja's Validation and Confirmation URLs, and the sandbox's
customer paying the paybill. Thin: payments.services.paybill decides."""
from dataclasses import asdict

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from mookh.core.errors import NotFound
from mookh.core.serializers import StrictCharField, StrictDecimalField, StrictRegexField
from mookh.core.throttling import client_address, per_address
from payments import services
from payments.api.views import CALLBACK_STATUS, callback_headers
from payments.providers import mpesa_c2b


def _detail():
    return StrictCharField(required=False, help_text="Why a 400 or 401 was refused (absent on 200).")


VALIDATION_REPLY = inline_serializer("PaybillValidationReply", {
    "ResultCode": StrictCharField(help_text='"0" accepts; C2B00012 unknown account, C2B00013 invalid amount, '
                                                  "C2B00016 anything else (a wrong token or an unreadable body)."),
    "ResultDesc": serializers.ChoiceField(choices=["Accepted", "Rejected"]), "detail": _detail()})
CONFIRMATION_ACK = inline_serializer("PaybillConfirmationAck", {
    "ResultCode": serializers.IntegerField(help_text="0: received (credited, already received or kept for staff)."),
    "ResultDesc": StrictCharField(), "detail": _detail()})
REFUSED = {"ResultCode": 1, "ResultDesc": "Rejected"}


class PaybillCallbackView(APIView):
    """Registered with Daraja for the shortcode; the path carries MPESA_CALLBACK_TOKEN (the URLs
    may not contain "mpesa", so they live under /payments/callbacks/paybill/)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [per_address("payment_callback_address")]


class PaybillValidationView(PaybillCallbackView):
    @extend_schema(request={"application/json": {"type": "object"}},
                   responses={200: VALIDATION_REPLY, 400: VALIDATION_REPLY, 401: VALIDATION_REPLY},
                   description="Daraja asks before taking a paybill payment (when Safaricom enabled validation). "
                               "Accepted when BillRefNumber is a payable order's number (any case, spaces "
                               "ignored) that can take TransAmount. Recorded whatever it says.")
    def post(self, request, token):
        record, reply = services.paybill_validation_receive(token=token, body=request.body,
                                                            headers=callback_headers(request),
                                                            remote_addr=client_address(request))
        answer = CALLBACK_STATUS.get(record.outcome, status.HTTP_200_OK)
        return Response(reply if answer == status.HTTP_200_OK else {**reply, "detail": record.detail}, status=answer)


class PaybillConfirmationView(PaybillCallbackView):
    @extend_schema(request={"application/json": {"type": "object"}},
                   responses={200: CONFIRMATION_ACK, 400: CONFIRMATION_ACK, 401: CONFIRMATION_ACK},
                   description="Daraja says a customer paid the paybill. Credited once per TransID to the order "
                               "BillRefNumber names; money no payable order can take is acknowledged and kept "
                               "as unmatched money for staff. A wrong token is 401, an unreadable body 400.")
    def post(self, request, token):
        record = services.paybill_confirmation_receive(token=token, body=request.body,
                                                       headers=callback_headers(request),
                                                       remote_addr=client_address(request))
        answer = CALLBACK_STATUS.get(record.outcome, status.HTTP_200_OK)
        if answer != status.HTTP_200_OK:
            return Response({**REFUSED, "detail": record.detail}, status=answer)
        return Response(mpesa_c2b.CONFIRMATION_ACK)


class SandboxPaybillInput(serializers.Serializer):
    account_number = StrictCharField(max_length=100, trim_whitespace=False,
                                     help_text="What the customer types as the account number.")
    amount = StrictDecimalField(max_digits=12, decimal_places=2, min_value=1)
    trans_id = StrictRegexField(r"^[A-Za-z0-9]{1,40}$", required=False,
                                      help_text="M-Pesa's TransID; a new one when absent. Repeat one to replay.")


class SandboxPaybillView(APIView):
    """Sandbox mode only: a customer pays the paybill; Daraja's Confirmation reaches the real code."""

    permission_classes = [AllowAny]
    throttle_classes = [per_address("payment_sandbox_address")]

    @extend_schema(request=SandboxPaybillInput, responses={
        200: inline_serializer("SandboxPaybillOutput", {
            "trans_id": StrictCharField(),
            "callback_outcome": StrictCharField(help_text="credited, duplicate or review (kept unmatched)."),
            "order_number": StrictCharField(allow_null=True),
            "order_status": StrictCharField(allow_null=True),
            "unmatched_reason": StrictCharField(allow_null=True)}),
        404: OpenApiResponse(description="Live mode.")})
    def post(self, request):
        if settings.PAYMENTS_MODE != "sandbox":
            raise NotFound()
        data = SandboxPaybillInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(asdict(services.sandbox_paybill_pay(**data.validated_data)))
