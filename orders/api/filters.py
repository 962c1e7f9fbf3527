import django_filters

from mookh.core.filters import FilterSet, IsoDateTimeFilter
from orders.models import Order, OrderLine, OrderStatus, PaymentMethod


class OrderFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)
    payment_method = django_filters.ChoiceFilter(choices=PaymentMethod.choices)
    store = django_filters.UUIDFilter(method="filter_store")
    event = django_filters.UUIDFilter(method="filter_event")
    created_after = IsoDateTimeFilter(field_name="created", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created", lookup_expr="lt")
    order_number = django_filters.CharFilter(lookup_expr="iexact")
    customer_email = django_filters.CharFilter(lookup_expr="iexact")
    customer_phone = django_filters.CharFilter()

    class Meta:
        model = Order
        fields = ("status", "payment_method", "order_channel")

    def filter_store(self, queryset, name, value):
        return queryset.filter(pk__in=OrderLine.objects.filter(store_id=value).values("order_id"))

    def filter_event(self, queryset, name, value):
        return queryset.filter(pk__in=OrderLine.objects.filter(ticket__event_id=value).values("order_id"))
