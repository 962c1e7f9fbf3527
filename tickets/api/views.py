"""Buyers' ticket pages, gate keys and lists, agents' check-in. Thin: HTTP only."""
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets import checkin, selectors
from tickets.api import serializers as s
from tickets.api.permissions import IsGateStaff
from tickets.api.renderers import ImageNegotiation, PNGRenderer, TicketPageRenderer
from tickets.api.representation import (
    batch_representation, check_in_representation, order_ticket_representation,
)
from tickets.keys import public_keys_description, ticket_keys
from tickets.models import IssuedTicketStatus
from tickets.qr import issued_ticket_token, qr_png
from tickets.tokens import ALGORITHM, FORMAT

ORDER_ID = OpenApiParameter("order_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
TICKET_ID = OpenApiParameter("ticket_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
EVENT_ID = OpenApiParameter("event_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
LINE = OpenApiParameter("line", OpenApiTypes.UUID, description="Only this order line's tickets.")
NOT_FOUND = OpenApiResponse(description="No such order, or the ticket is not in it.")
GATE_404 = OpenApiResponse(description="Not an event of a store you own or work at.")


class BuyerTicketView(APIView):
    """Reached with the order's id (a capability, like reading the order itself): no sign-in."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    renderer_classes = [JSONRenderer, TicketPageRenderer]


class OrderTicketsView(BuyerTicketView):
    @extend_schema(operation_id="stores_orders_tickets_list", parameters=[ORDER_ID, LINE],
                   responses={200: s.OrderTicketsOutput, 404: NOT_FOUND},
                   description="The order's tickets, each with its QR code's `token` (a wallet shows them all from one "
                               "call): JSON, or a page with their QR codes for text/html.")
    def get(self, request, order_id):
        tickets = selectors.order_tickets(order_id=order_id, line_id=request.query_params.get("line"))
        if tickets is None:
            raise Http404
        return Response({"order": order_id, "tickets": [order_ticket_representation(t, request) for t in tickets]})


class OrderTicketView(BuyerTicketView):
    @extend_schema(parameters=[ORDER_ID, TICKET_ID], responses={200: s.OrderTicketOutput, 404: NOT_FOUND})
    def get(self, request, order_id, ticket_id):
        ticket = selectors.order_ticket_get(order_id=order_id, ticket_id=ticket_id)
        if ticket is None:
            raise Http404
        return Response(order_ticket_representation(ticket, request))


class OrderTicketQRView(BuyerTicketView):
    renderer_classes = [PNGRenderer]
    content_negotiation_class = ImageNegotiation

    @extend_schema(parameters=[ORDER_ID, TICKET_ID], responses={
        (200, "image/png"): OpenApiTypes.BINARY, 404: OpenApiResponse(description="No such ticket, or it is void.")})
    def get(self, request, order_id, ticket_id):
        ticket = selectors.order_ticket_get(order_id=order_id, ticket_id=ticket_id)
        if ticket is None or ticket.status == IssuedTicketStatus.VOID:
            raise Http404
        response = Response(qr_png(issued_ticket_token(ticket)), content_type="image/png")
        response["Cache-Control"] = "private, max-age=3600"
        return response


class CheckInKeyView(APIView):
    @extend_schema(parameters=[EVENT_ID], responses={200: s.CheckInKeyOutput, 404: GATE_404})
    def get(self, request, event_id):
        event = selectors.event_for_gate(request.user, event_id)
        if event is None:
            raise Http404
        keys = public_keys_description()
        current = keys[0]
        return Response({"event": str(event.pk), "algorithm": ALGORITHM, "key_id": ticket_keys().key_id,
                         "public_key": current["public_key"], "format": FORMAT, "keys": keys})


class CheckInListView(APIView):
    @extend_schema(parameters=[EVENT_ID, s.CheckInListQuery], responses={200: s.CheckInListOutput, 404: GATE_404})
    def get(self, request, event_id):
        query = s.CheckInListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        event = selectors.event_for_gate(request.user, event_id)
        if event is None:
            raise Http404
        return Response(s.CheckInListOutput(selectors.check_in_list(event=event, **query.validated_data)).data)


class CheckInView(APIView):
    permission_classes = [IsAuthenticated, IsGateStaff]

    @extend_schema(request=s.CheckInInput, responses={
        200: s.CheckInOutput, 400: OpenApiResponse(description="No `code` in the body, or a field of the wrong type."),
        404: OpenApiResponse(description="Not a ticket: a forged, altered or malformed code (ticket_token_invalid), "
                                         "an unknown ticket or another event's (ticket_not_found), or a void one "
                                         "(ticket_void). The body carries the `code`."),
        409: s.AlreadyCheckedInOutput})
    def post(self, request):
        data = s.CheckInInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = checkin.ticket_check_in(code=data.validated_data["code"], agent=request.user,
                                         event_id=data.validated_data.get("event"), gate=data.validated_data["gate"])
        return Response(check_in_representation(ticket))


class CheckInBatchView(APIView):
    permission_classes = [IsAuthenticated, IsGateStaff]

    @extend_schema(request=s.ScanBatchInput(), responses={200: s.ScanBatchOutput},
                   description="Scans an offline gate made: each scan_id applies once per account (a retried upload is "
                               "answered as before, `replayed`); the earliest scan wins.")
    def post(self, request):
        data = s.ScanBatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = checkin.check_in_batch(scans=data.validated_data, agent=request.user)
        return Response(batch_representation(outcome), status=status.HTTP_200_OK)
