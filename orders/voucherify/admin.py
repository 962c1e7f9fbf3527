"""Read-only admin pages of the Voucherify-compatible API's rows (registered by orders.admin):
they change only through the API and its workers."""
from django.contrib import admin

from mookh.core.admin import ReadOnlyAdminMixin
from orders.voucherify.models import ApiCustomer, ApiOrder, AsyncAction, OrderExport


@admin.register(ApiOrder)
class ApiOrderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "source_id", "store", "order", "amount", "discount_amount", "created_at", "fulfilled_at")
    list_filter = ("store",)
    search_fields = ("id", "source_id", "order__order_number")
    list_select_related = ("store", "order")
    raw_id_fields = ("order", "customer", "referrer")


@admin.register(ApiCustomer)
class ApiCustomerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "source_id", "name", "email", "store", "created")
    list_filter = ("store",)
    search_fields = ("id", "source_id", "name", "email")
    list_select_related = ("store",)


@admin.register(AsyncAction)
class AsyncActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "type", "store", "status", "progress", "total", "created_at", "finished_at")
    list_filter = ("status", "type")
    search_fields = ("id", "request_id")
    list_select_related = ("store",)
    exclude = ("payload",)  # up to 2000 orders: not a page to render


@admin.register(OrderExport)
class OrderExportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "store", "status", "row_count", "created_at", "updated_at")
    list_filter = ("status",)
    search_fields = ("id",)
    list_select_related = ("store",)
