from mookh.core.api import optional_slash_path
from payments.api import views

urlpatterns = [
    optional_slash_path("callbacks/mpesa/(?P<token>[^/]{1,200})/", views.MpesaCallbackView.as_view(),
                        name="payments-callback-mpesa"),
    optional_slash_path("sandbox/complete/", views.SandboxCompleteView.as_view(), name="payments-sandbox-complete"),
]
