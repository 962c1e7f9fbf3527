"""The order's payment page (/payments/links/{order_id}/): reached with the order's id, a
capability like reading the order itself. HTML for buyers' browsers, JSON for API clients.

The page's forms post here with Django's CSRF token and get HTML back (the page again, with
what went wrong); the same routes answer JSON to JSON bodies. Thin: the payments services and
selectors decide.
"""
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from mookh.core.errors import DomainError, InvalidInput, NotFound
from mookh.core.parsers import JSONParser
from mookh.core.serializers import StrictCharField, StrictDecimalField, StrictRegexField
from mookh.core.throttling import address_limited, per_address, per_path_value, per_value
from orders.api.representation import payment_attempt_representation
from orders.api.serializers import PaymentAttemptOutput
from orders.models import OrderStatus
from payments import selectors
from payments.api.html import csrf_refusal, html_page, too_many_requests_page
from payments.services import links
from payments.services.card import cards_accepted

ORDER_ID = OpenApiParameter("order_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
STATE_LABELS = {"open": "Awaiting payment", "paid": "Paid", "expired": "Expired", "cancelled": "Cancelled",
                "refunded": "Refunded"}
FORM_EXPIRED = "This form has expired: reload the page and try again."


def link_path(name: str, order_id) -> str:
    return reverse(name, kwargs={"order_id": order_id}).rstrip("/") + "/"


def payment_page_response(request, *, order_id, attempt_id=None, error: str = "", status: int = 200,
                          form=None):
    """The payment page; `error` and the submitted `form` when a form post was refused."""
    page = selectors.payment_page_get(order_id=order_id, attempt_id=attempt_id)
    if page is None:
        raise Http404
    order, form = page.order, form or {}
    label = STATE_LABELS[page.state] if page.state in STATE_LABELS else page.state.title()
    if page.state == "open" and order.status == OrderStatus.PARTIALLY_PAID:
        label = "Partly paid"
    context = {
        "page": page, "order": order, "error": error, "state_label": label,
        "phone": form.get("phone_number") or order.payer_phone or order.customer_phone,
        "method": form.get("method") or page.default_method,
        "method_label": selectors.METHOD_LABELS.get(page.attempt.method, "card") if page.attempt else "",
        "page_url": link_path("payment-link", order.pk), "pay_url": link_path("payment-link-pay", order.pk),
        "card_url": link_path("payment-link-card", order.pk), "cards_accepted": cards_accepted(),
        "status_url": link_path("payment-link-status", order.pk),
    }
    return html_page(request, "payments/link.html", context, status=status)


@address_limited("payment_link_address", refused=too_many_requests_page)
@require_safe
def payment_page(request, order_id):
    return payment_page_response(request, order_id=order_id, attempt_id=request.GET.get("attempt"))


def _error_text(exc) -> str:
    if isinstance(exc, InvalidInput):
        return " ".join(str(message) for messages in exc.fields.values() for message in messages)
    if isinstance(exc, DomainError):
        return exc.message
    detail = exc.detail
    if isinstance(detail, dict):
        return " ".join(str(message) for messages in detail.values()
                        for message in (messages if isinstance(messages, list) else [messages]))
    if isinstance(detail, list):
        return " ".join(str(message) for message in detail)
    return str(detail)


class PageFormView(APIView):
    """A POST from the payment page's forms (CSRF-checked, answered with HTML) or from an API
    client (a JSON body, answered with JSON and the API's error shapes)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = [JSONParser, FormParser]

    @staticmethod
    def from_page(request) -> bool:
        return request.content_type.split(";")[0].strip().lower() in FORM_TYPES

    def initial(self, request, *args, **kwargs):
        if self.from_page(request) and csrf_refusal(request):
            raise exceptions.PermissionDenied(FORM_EXPIRED)
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc):
        """Refusals of a page's form show on the page; API clients get the API's errors."""
        if not self.from_page(self.request) or not isinstance(exc, DomainError | exceptions.APIException):
            return super().handle_exception(exc)
        try:
            form = self.request.data
        except exceptions.APIException:
            form = {}
        code = exc.status if isinstance(exc, DomainError) else exc.status_code
        response = payment_page_response(self.request, order_id=self.kwargs["order_id"], error=_error_text(exc),
                                         status=code, form=form)
        retry_after = exc.wait if isinstance(exc, exceptions.Throttled) else getattr(exc, "retry_after", None)
        if retry_after:
            response["Retry-After"] = str(retry_after)
        return response


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


class PromptInput(serializers.Serializer):
    # Normalized by the service, which knows the method's country: a number typed as at home is read there.
    phone_number = StrictRegexField(r"^\+?[0-9][0-9 ]{5,30}$", max_length=32, help_text=(
        "The phone to ask: E.164 (+254720111222), or as dialled at home (0720 111 222) with `method`."),
        error_messages={"invalid": "Enter a phone number, e.g. +254712345678 (or 0712 345 678 with M-Pesa)."})
    method = serializers.ChoiceField(choices=list(selectors.METHOD_LABELS), required=False, allow_blank=True,
                                     help_text="MPESA or AIRTEL for a Kenyan phone, MTNUG or AIRTELUG for a "
                                               "Ugandan one; default: the first of the phone's country.")


class PaymentLinkPayView(PageFormView):
    throttle_classes = [per_path_value("payment_prompt_order", "order_id"),
                        per_value("payment_prompt_phone", "phone_number", normalize=_digits),
                        per_address("payment_link_address")]

    def throttled(self, request, wait):
        raise exceptions.Throttled(wait, detail="Too many payment requests for this order, this phone or "
                                                "from this network.")

    @extend_schema(operation_id="payments_links_pay", parameters=[ORDER_ID], request=PromptInput, responses={
        202: inline_serializer("PaymentPromptOutput", {"payment": PaymentAttemptOutput(),
                                                       "status_url": StrictCharField()}),
        303: OpenApiResponse(description="A form post from the page: back to the page, waiting for the payment."),
        400: OpenApiResponse(description="A phone that is neither E.164 nor local to the method's country, of "
                                         "another country than the method's, "
                                         "or a method not available yet (code method_unavailable)."),
        403: OpenApiResponse(description="A form post without the page's CSRF token: the page, with the refusal."),
        404: OpenApiResponse(description="No such order."),
        409: OpenApiResponse(description="The order is paid, expired or cancelled (not_payable)."),
        429: OpenApiResponse(description="Too many prompts for this order or this phone; or one was sent to "
                                         "this order in the last 30 s (code prompt_too_soon). Retry-After says "
                                         "when to ask again.")},
        description="Ask a phone for the amount due now (the next installment of an installment order) "
                    "by mobile money; the request leaves after the attempt is recorded.")
    def post(self, request, order_id):
        data = PromptInput(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = links.link_prompt_send(order_id=order_id, **data.validated_data)
        if self.from_page(request):
            return HttpResponseRedirect(f"{link_path('payment-link', order_id)}?attempt={attempt.pk}", status=303)
        attempt.refresh_from_db()
        return Response({"payment": payment_attempt_representation(attempt),
                         "status_url": request.build_absolute_uri(link_path("payment-link-status", order_id))},
                        status=status.HTTP_202_ACCEPTED)


class PaymentStatusOutput(serializers.Serializer):
    order_number = StrictCharField()
    order_status = StrictCharField()
    state = serializers.ChoiceField(choices=list(STATE_LABELS),
                                    help_text="open (payable), paid, or why it takes no payment")
    currency = StrictCharField()
    order_amount = StrictDecimalField(max_digits=14, decimal_places=2)
    balance = StrictDecimalField(max_digits=14, decimal_places=2)
    amount_due = StrictDecimalField(max_digits=14, decimal_places=2,
                                          help_text="What a payment started now asks for.")
    tickets_url = StrictCharField(allow_null=True, help_text="The tickets page, once paid.")
    payments = PaymentAttemptOutput(many=True)


class PaymentLinkStatusView(APIView):
    """Polled by the payment page while a payment is under way."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [per_address("payment_link_address")]

    @extend_schema(operation_id="payments_links_status", parameters=[ORDER_ID],
                   responses={200: PaymentStatusOutput, 404: OpenApiResponse(description="No such order.")})
    def get(self, request, order_id):
        links.link_status_refresh(order_id=order_id)
        found = selectors.order_payment_status(order_id=order_id)
        if found is None:
            raise NotFound("No such order.")
        order = found.order
        return Response({
            "order_number": order.order_number, "order_status": order.status, "state": found.state,
            "currency": order.currency, "order_amount": f"{order.order_amount:.2f}",
            "balance": f"{order.order_balance:.2f}", "amount_due": f"{found.amount_due:.2f}",
            "tickets_url": request.build_absolute_uri(found.tickets_url) if found.tickets_url else None,
            "payments": [payment_attempt_representation(attempt) for attempt in found.attempts],
        })
