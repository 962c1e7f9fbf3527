from mookh.core.api import optional_slash_path
from payments.api import mobile_callbacks, page_urls, paybill, refund_callbacks, views

urlpatterns = [
    optional_slash_path("callbacks/mpesa/(?P<token>[^/]{1,200})/", views.MpesaCallbackView.as_view(),
                        name="payments-callback-mpesa"),
    optional_slash_path("callbacks/airtel/(?P<token>[^/]{1,200})/", mobile_callbacks.AirtelCallbackView.as_view(),
                        name="payments-callback-airtel"),
    optional_slash_path("callbacks/mtn/(?P<reference>[^/]{1,100})/", mobile_callbacks.MtnCallbackView.as_view(),
                        name="payments-callback-mtn"),
    optional_slash_path("callbacks/mpesa/reversal/(?P<token>[^/]{1,200})/result/",
                        refund_callbacks.MpesaReversalResultView.as_view(), name="payments-callback-mpesa-reversal"),
    optional_slash_path("callbacks/mpesa/reversal/(?P<token>[^/]{1,200})/timeout/",
                        refund_callbacks.MpesaReversalResultView.as_view(timed_out=True),
                        name="payments-callback-mpesa-reversal-timeout"),
    optional_slash_path("sandbox/complete/", views.SandboxCompleteView.as_view(), name="payments-sandbox-complete"),
]
# M-Pesa paybill (C2B): Daraja refuses registered URLs containing "mpesa".
urlpatterns += [
    optional_slash_path("callbacks/paybill/(?P<token>[^/]{1,200})/validation/",
                        paybill.PaybillValidationView.as_view(), name="payments-callback-paybill-validation"),
    optional_slash_path("callbacks/paybill/(?P<token>[^/]{1,200})/confirmation/",
                        paybill.PaybillConfirmationView.as_view(), name="payments-callback-paybill-confirmation"),
    optional_slash_path("sandbox/paybill/", paybill.SandboxPaybillView.as_view(), name="payments-sandbox-paybill"),
]
# The payment page (/payments/links/{order_id}/…) and card payments.
urlpatterns += page_urls.urlpatterns
