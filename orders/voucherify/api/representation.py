"""Answers in Voucherify's shapes. The SDK checks types strictly: ids are strings, amounts JSON
integers, statuses upper-case enums, objects objects (never a bare string or a list)."""
from django.urls import reverse
from django.utils import timezone

from orders.models import OrderLine
from orders.voucherify.exports import export_download_token
from orders.voucherify.formats import api_datetime, minor
from orders.voucherify.models import ApiOrder, AsyncAction, OrderExport
from orders.voucherify.statuses import api_status

PRODUCT_KEYS = ("id", "source_id", "override", "name", "metadata", "price")
SKU_KEYS = ("id", "source_id", "override", "sku", "price", "metadata")
ITEM_ECHO = ("product_id", "sku_id", "discount_quantity", "initial_quantity", "discount_amount", "initial_amount")


def order_representation(api_order: ApiOrder) -> dict:
    order = api_order.order
    total = api_order.total_amount
    return {
        "id": api_order.pk, "object": "order", "source_id": api_order.source_id,
        "status": api_status(order.status, api_order.fulfilled_at),
        "amount": api_order.amount,
        "initial_amount": api_order.initial_amount if api_order.initial_amount is not None else api_order.amount,
        "discount_amount": api_order.discount_amount, "items_discount_amount": 0,
        "total_discount_amount": api_order.discount_amount, "total_amount": total,
        "applied_discount_amount": 0, "items_applied_discount_amount": 0, "total_applied_discount_amount": 0,
        "metadata": api_order.metadata or {},
        "created_at": api_datetime(api_order.created_at),
        "updated_at": api_datetime(getattr(api_order, "changed_at", api_order.updated_at)),
        "customer_id": api_order.customer_id, "customer": _customer(api_order.customer_id),
        "referrer_id": api_order.referrer_id, "referrer": _customer(api_order.referrer_id),
        "redemptions": {}, "items": [_item(line) for line in order.lines.all()],
    }


def orders_list_representation(orders: list[ApiOrder], total: int) -> dict:
    return {"object": "list", "data_ref": "orders", "orders": [order_representation(order) for order in orders],
            "total": total}


def async_action_representation(action: AsyncAction) -> dict:
    finished = action.finished_at or (timezone.now() if action.started_at else None)
    return {
        "id": action.pk, "object": "async_action", "type": action.type, "status": action.status,
        "operation_status": action.operation_status, "progress": action.progress,
        "processing_time": int((finished - action.started_at).total_seconds() * 1000) if action.started_at else 0,
        "created_at": api_datetime(action.created_at), "updated_at": api_datetime(action.updated_at),
        "request_id": action.request_id or None, "result": action.result,
    }


def export_representation(export: OrderExport, request, *, just_created: bool = False) -> dict:
    """`just_created`: the create answer, whose status the SDK accepts only as SCHEDULED."""
    parameters = {key: export.parameters[key] for key in ("fields", "order", "filters") if export.parameters.get(key)}
    result = None
    if export.status == OrderExport.Status.DONE and not just_created:
        path = reverse("voucherify-export", kwargs={"export_id": export.pk})
        result = {"url": request.build_absolute_uri(f"{path}?token={export_download_token(export)}")}
    elif export.status == OrderExport.Status.ERROR and not just_created:
        result = {"url": None, "message": export.error}
    return {
        "id": export.pk, "object": "export", "created_at": api_datetime(export.created_at),
        "status": OrderExport.Status.SCHEDULED if just_created else export.status, "channel": "API",
        "exported_object": "order", "parameters": parameters, "result": result, "user_id": None,
    }


def _customer(customer_id: str | None) -> dict | None:
    return {"id": customer_id, "object": "customer"} if customer_id else None


def _item(line: OrderLine) -> dict:
    sent = line.client_data or {}
    gross = line.unit_price * line.item_quantity if not line.is_external else line.selling_price
    item = {
        "object": "order_item", "source_id": line.source_id or None,
        "related_object": sent.get("related_object") or ("sku" if line.ticket_id else "product"),
        "quantity": line.item_quantity, "price": minor(line.unit_price), "amount": minor(gross),
        "subtotal_amount": minor(line.selling_price), "metadata": sent.get("metadata") or {},
        "product": {"name": line.name, **{key: value for key, value in (sent.get("product") or {}).items()
                                          if key in PRODUCT_KEYS}},
    }
    if line.promo_amount:
        item["applied_discount_amount"] = minor(line.promo_amount)
    if sent.get("sku"):
        item["sku"] = {key: value for key, value in sent["sku"].items() if key in SKU_KEYS}
    item.update({key: sent[key] for key in ITEM_ECHO if key in sent})
    return item
