from django.contrib import admin
from django.db.models import Count

from promos.models import PromoCode, Promotion, Redemption


class PromoCodeInline(admin.TabularInline):
    model = PromoCode
    fields = ("code", "uses", "max_uses", "created")
    readonly_fields = ("code", "uses", "max_uses", "created")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "store", "kind", "discount_type", "usage_type", "max_uses", "code_count", "is_active",
                    "created")
    list_filter = ("kind", "discount_type", "usage_type", "is_active")
    list_select_related = ("store",)
    search_fields = ("name", "codes__code", "store__store_name")
    raw_id_fields = ("store", "event")
    # Limits are mirrored on the codes by promos.services; change them through the API.
    readonly_fields = ("kind", "store", "max_uses", "created", "updated")
    inlines = [PromoCodeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(code_count=Count("codes", distinct=True))

    @admin.display(description="codes", ordering="code_count")
    def code_count(self, promotion):
        return promotion.code_count


@admin.register(PromoCode)
class PromoCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "store", "promotion", "uses", "max_uses", "created")
    list_select_related = ("store", "promotion")
    search_fields = ("code",)
    readonly_fields = ("promotion", "store", "code", "uses", "max_uses", "created", "updated")


@admin.register(Redemption)
class RedemptionAdmin(admin.ModelAdmin):
    list_display = ("promo_code", "order_id", "units", "discount_amount", "status", "email", "phone", "created")
    list_filter = ("status",)
    list_select_related = ("promo_code",)
    search_fields = ("promo_code__code", "=order_id", "email", "phone")
    readonly_fields = ("promo_code", "order_id", "order_line_id", "units", "email", "phone", "discount_amount",
                       "status", "created")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
