"""The payment page and card payments: /payments/links/{order_id}/…, the Cybersource receipt
channels and the sandbox's card gateway page."""
from mookh.core.api import UUID_PATTERN, optional_slash_path
from payments.api import card, pages

LINK = f"links/(?P<order_id>{UUID_PATTERN})"

urlpatterns = [
    optional_slash_path(f"{LINK}/", pages.payment_page, name="payment-link"),
    optional_slash_path(f"{LINK}/pay/", pages.PaymentLinkPayView.as_view(), name="payment-link-pay"),
    optional_slash_path(f"{LINK}/status/", pages.PaymentLinkStatusView.as_view(), name="payment-link-status"),
    optional_slash_path(f"{LINK}/card/", card.PaymentLinkCardView.as_view(), name="payment-link-card"),
    optional_slash_path(f"{LINK}/receipt/", card.receipt_page, name="payment-link-receipt"),
    optional_slash_path("callbacks/cybersource/", card.CybersourceCallbackView.as_view(),
                        name="payments-callback-cybersource"),
    optional_slash_path("sandbox/cybersource/pay/", card.cybersource_sandbox_pay_page,
                        name="payments-sandbox-cybersource-pay"),
]
