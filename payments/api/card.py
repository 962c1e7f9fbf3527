"""Card payments over HTTP: the payment page's card button, the two receipt channels, and the
sandbox's stand-in for the gateway's pay page. Thin: payments.services.card decides."""
from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from mookh.core.serializers import StrictCharField
from mookh.core.throttling import address_limited, client_address, per_address
from orders.api.responses import CARD_FORM
from payments import selectors
from payments.api.html import html_page, too_many_requests_page
from payments.api.pages import ORDER_ID, PageFormView, link_path
from payments.models import PaymentAttempt, ProviderCallback
from payments.services import card

Outcome = ProviderCallback.Outcome
Status = PaymentAttempt.Status
CALLBACK_STATUS = {Outcome.INVALID: status.HTTP_400_BAD_REQUEST, Outcome.UNAUTHENTICATED: status.HTTP_401_UNAUTHORIZED}
SENSITIVE_HEADERS = ("cookie", "authorization")


def callback_headers(request) -> dict:
    return {name: value for name, value in request.headers.items() if name.lower() not in SENSITIVE_HEADERS}


class CardFormOutput(serializers.Serializer):
    status = serializers.BooleanField()
    message = StrictCharField()
    url = serializers.URLField(help_text="Where to post the form: the card gateway's pay page.")
    payload = serializers.DictField(child=StrictCharField(),
                                    help_text="The form's fields, signed (Cybersource Secure Acceptance).")


class PaymentLinkCardView(PageFormView):
    """The page's "Pay by card": a new attempt and its signed form, auto-posted to the gateway."""

    throttle_classes = [per_address("payment_link_address")]

    @extend_schema(operation_id="payments_links_card", parameters=[ORDER_ID], request=None, responses={
        201: CardFormOutput, 404: OpenApiResponse(description="No such order."),
        409: OpenApiResponse(description="The order is paid, expired or cancelled (not_payable).")},
        description="A card payment attempt for the amount due now: the signed form to post to the gateway. "
                    "A form post from the payment page gets a page that posts it (JavaScript, or its button).")
    def post(self, request, order_id):
        checkout = card.card_checkout_start(order_id=order_id)
        if not self.from_page(request):
            return Response({"status": True, "message": CARD_FORM, "url": checkout.url, "payload": checkout.fields},
                            status=status.HTTP_201_CREATED)
        return html_page(request, "payments/autopost.html", {
            "title": "Pay by card", "heading": "Taking you to the card payment page…",
            "text": f"{checkout.attempt.currency} {checkout.attempt.amount} for order "
                    f"{checkout.attempt.order.order_number}. You type your card details on the gateway's secure page.",
            "url": checkout.url, "fields": checkout.fields, "button": "Continue to card payment",
            "back_url": link_path("payment-link", order_id)}, form_targets=[checkout.url])


class CybersourceCallbackView(APIView):
    """The profile's Merchant POST URL: the gateway posts every receipt here, server to server."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = [FormParser]
    throttle_classes = [per_address("payment_callback_address")]

    @extend_schema(request={"application/x-www-form-urlencoded": {"type": "object"}}, responses={
        200: inline_serializer("CybersourceAck", {"detail": StrictCharField()}),
        400: OpenApiResponse(description="A receipt that cannot be read (recorded)."),
        401: OpenApiResponse(description="A receipt whose signature or profile does not check out (recorded).")},
        description="Recorded whatever it says; credited once per transaction, whichever of this and the "
                    "browser's receipt page arrives first.")
    def post(self, request):
        record = card.cybersource_receipt_receive(body=request.body, headers=callback_headers(request),
                                                  remote_addr=client_address(request))
        answer = CALLBACK_STATUS.get(record.outcome, status.HTTP_200_OK)
        return Response({"detail": "Accepted" if answer == status.HTTP_200_OK else "Rejected"}, status=answer)


def _receipt_outcome(record: ProviderCallback, order) -> tuple[str, str, str]:
    """(tone, heading, text) of the receipt page."""
    if record.outcome in (Outcome.UNAUTHENTICATED, Outcome.INVALID):
        return ("error", "We could not read this receipt",
                "If your card was charged, the gateway also tells us directly: check this order's page in a moment.")
    attempt = record.attempt
    if attempt is None or attempt.order_id != order.pk:
        return "error", "This receipt is not for this order", "Check the order's page for its payment state."
    if attempt.status == Status.SUCCEEDED and attempt.review_reason:
        return ("warning", "Payment received",
                "We could not apply it to the order automatically; our staff are checking it and will contact you.")
    if attempt.status == Status.SUCCEEDED:
        return "ok", "Payment received", f"{attempt.currency} {attempt.amount_received} paid by card. Thank you!"
    if attempt.status == Status.CANCELLED:
        return "error", "Card payment cancelled", "No money was taken. You can try again."
    if attempt.status == Status.FAILED:
        return ("error", "Card payment declined",
                f"{attempt.description.rstrip('.')}. No money was taken. You can try again.")
    return ("warning", "Payment under review",
            "The card gateway is checking this payment: you get an email and an SMS once it is accepted.")


@csrf_exempt  # posted cross-site by the gateway's page: the receipt's signature is what authenticates it
@address_limited("payment_link_address", refused=too_many_requests_page)
@require_http_methods(["GET", "POST"])
def receipt_page(request, order_id):
    """Where the gateway sends the buyer's browser back with the signed receipt (the same receipt
    reaches the Merchant POST URL; whichever comes first credits the order)."""
    if request.method == "GET":  # a reload or a bookmark: the payment page says where things stand
        return HttpResponseRedirect(link_path("payment-link", order_id))
    record = card.cybersource_receipt_receive(body=request.body, headers=callback_headers(request),
                                              remote_addr=client_address(request))
    page = selectors.payment_page_get(order_id=order_id)
    if page is None:
        raise Http404
    tone, heading, text = _receipt_outcome(record, page.order)
    return html_page(request, "payments/receipt.html", {
        "page": page, "order": page.order, "tone": tone, "heading": heading, "text": text,
        "page_url": link_path("payment-link", order_id)}, status=CALLBACK_STATUS.get(record.outcome, 200))


@csrf_exempt  # stands for the gateway's page, which the buyer's browser posts to from the payment page
@address_limited("payment_sandbox_address", refused=too_many_requests_page)
@require_POST
def cybersource_sandbox_pay_page(request):
    """PAYMENTS_MODE=sandbox: the gateway's pay page. The checkout form shows a test card form;
    its answer is signed and delivered to the Merchant POST URL's receiver, then auto-posted to
    the receipt page by the browser."""
    if settings.PAYMENTS_MODE != "sandbox":
        raise Http404
    form_fields = {name: value for name, value in request.POST.items() if not name.startswith("sandbox_")}
    action = request.POST.get("sandbox_action")
    if not action:
        return html_page(request, "payments/sandbox_cybersource.html", {"fields": form_fields})
    receipt = card.cybersource_sandbox_pay(form_fields=form_fields, card_number=request.POST.get("sandbox_card", ""),
                                           cancel=action == "cancel")
    return html_page(request, "payments/autopost.html", {
        "title": "Sandbox card payment", "heading": f"Sandbox gateway: {receipt.fields['decision']}",
        "text": receipt.fields.get("message", ""), "url": receipt.receipt_url, "fields": receipt.fields,
        "button": "Back to the shop"}, form_targets=[receipt.receipt_url])
