"""Airtel Money and MTN MoMo callbacks: HTTP in, the payments services decide."""
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from mookh.core.throttling import client_address, per_address
from payments import services
from payments.api.views import CALLBACK_STATUS, callback_headers

CALLBACK_ACK = inline_serializer("MobileCallbackAck", {
    "status": serializers.ChoiceField(choices=["ACCEPTED", "REJECTED"],
                                      help_text="REJECTED: unauthenticated (401) or unreadable (400)."),
})
CALLBACK_RESPONSES = {200: CALLBACK_ACK, 400: CALLBACK_ACK, 401: CALLBACK_ACK}


def _answer(record) -> Response:
    answer = CALLBACK_STATUS.get(record.outcome, status.HTTP_200_OK)
    return Response({"status": "ACCEPTED" if answer == status.HTTP_200_OK else "REJECTED"}, status=answer)


class CallbackView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [per_address("payment_callback_address")]


class AirtelCallbackView(CallbackView):
    """Airtel posts every attempt's outcome here (the URL set in the Airtel app carries
    AIRTEL_CALLBACK_TOKEN); intermediate and final updates alike."""

    @extend_schema(request={"application/json": {"type": "object"}}, responses=CALLBACK_RESPONSES,
                   description="Recorded whatever it says. A wrong token or `hash` is 401, an unreadable body "
                               "400. A final status is credited once, and only when Airtel's enquiry confirms "
                               "it; unknown references are acknowledged (200) and kept for staff.")
    def post(self, request, token):
        return _answer(services.airtel_callback_receive(token=token, body=request.body,
                                                        headers=callback_headers(request),
                                                        remote_addr=client_address(request)))


class MtnCallbackView(CallbackView):
    """MTN sends an attempt's outcome once, PUT or POST, to the X-Callback-Url of its request
    to pay, which carries the attempt's X-Reference-Id."""

    @extend_schema(request={"application/json": {"type": "object"}}, responses=CALLBACK_RESPONSES,
                   description="Recorded whatever it says; an unreadable body is 400. Unsigned, so the money "
                               "credited (once) is what MTN's status query says; unknown references are "
                               "acknowledged (200) and kept for staff.")
    def put(self, request, reference):
        return _answer(services.mtn_callback_receive(reference=reference, body=request.body,
                                                     headers=callback_headers(request),
                                                     remote_addr=client_address(request)))

    @extend_schema(request={"application/json": {"type": "object"}}, responses=CALLBACK_RESPONSES,
                   description="As PUT.")
    def post(self, request, reference):
        return self.put(request, reference)
