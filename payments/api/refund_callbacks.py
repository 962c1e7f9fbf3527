"""Refund results posted by providers: HTTP in, the payments services decide."""
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from mookh.core.throttling import client_address, per_address
from payments.api.views import CALLBACK_STATUS, DARAJA_ACK, callback_headers
from payments.services.refund_callbacks import mpesa_reversal_result_receive


class MpesaReversalResultView(APIView):
    """Daraja posts a reversal's Result here (the ResultURL of the request, with MPESA_CALLBACK_TOKEN)
    and, at the `timeout/` URL, a reversal that timed out in its queue."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [per_address("payment_callback_address")]
    timed_out = False

    @extend_schema(request={"application/json": {"type": "object"}}, responses={
        200: DARAJA_ACK, 400: DARAJA_ACK, 401: DARAJA_ACK},
        description="Recorded whatever it says; applied once to the refund whose ConversationID it names (DONE "
                    "or FAILED with Daraja's ResultDesc). Unknown conversations are acknowledged (200).")
    def post(self, request, token):
        record = mpesa_reversal_result_receive(token=token, body=request.body, headers=callback_headers(request),
                                               remote_addr=client_address(request), timed_out=self.timed_out)
        answer = CALLBACK_STATUS.get(record.outcome, status.HTTP_200_OK)
        accepted = answer == status.HTTP_200_OK
        return Response({"ResultCode": 0 if accepted else 1, "ResultDesc": "Accepted" if accepted else "Rejected"},
                        status=answer)
