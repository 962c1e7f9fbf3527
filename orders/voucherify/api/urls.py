"""Mounted at /v1/ (mookh/urls.py). No trailing slashes: the SDK never sends one, and a redirect
would lose its POST. Literal routes come before /orders/{id}; ids may hold "/" (a source_id)."""
from django.urls import re_path

from orders.voucherify.api import views

urlpatterns = [
    re_path(r"^orders$", views.OrdersView.as_view(), name="voucherify-orders"),
    re_path(r"^orders/import$", views.OrdersImportView.as_view(), name="voucherify-orders-import"),
    re_path(r"^orders/export$", views.OrdersExportView.as_view(), name="voucherify-orders-export"),
    # [\s\S], not ".": an id with a line break is still an id (answered in this API's error shape).
    re_path(r"^orders/(?P<order_id>[\s\S]+)$", views.OrderView.as_view(), name="voucherify-order"),
    re_path(r"^async-actions/(?P<action_id>[^/]+)$", views.AsyncActionView.as_view(), name="voucherify-async-action"),
    re_path(r"^exports/(?P<export_id>[^/]+)$", views.ExportView.as_view(), name="voucherify-export"),
    re_path(r"^exports/(?P<export_id>[^/]+)/download$", views.ExportDownloadView.as_view(),
            name="voucherify-export-download"),
    re_path(r"^[\s\S]*$", views.UnknownRouteView.as_view()),
]
