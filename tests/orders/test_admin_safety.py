"""The admin cannot edit money rows, reports only payments it recorded, and exports formula-safe CSV."""
import csv
import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from orders.models import IdempotencyKey, Order
from payments.models import Payment, Refund
from tests.orders.conftest import order_body

pytestmark = pytest.mark.django_db


def place(api, catalog):
    response = api.post("/stores/orders/", order_body((catalog.vvip, 1)), format="json")
    assert response.status_code == 201, response.content
    return Order.objects.get(pk=response.json()["id"])


def act(admin_client, action, orders):
    return admin_client.post("/admin/orders/order/", {"action": action, "_selected_action": [o.pk for o in orders]})


def messages_of(response):
    return [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def money_rows(api, admin_client, catalog):
    order = place(api, catalog)
    act(admin_client, "mark_cash_paid", [order])
    payment = Payment.objects.get(order=order)
    refund = Refund.objects.create(order=order, amount=Decimal("100.00"), currency="KES", reason="goodwill")
    key = IdempotencyKey.objects.create(key="k-1", request_hash="0" * 64, order=order)
    return {"payment": payment, "refund": refund, "idempotencykey": key}


@pytest.mark.parametrize("app, model", [("payments", "payment"), ("payments", "refund"), ("orders", "idempotencykey")])
def test_money_rows_viewable_but_not_added_changed_or_deleted_when_super_admin(admin_client, money_rows, app, model):
    row = money_rows[model]
    base = f"/admin/{app}/{model}/"
    assert admin_client.get(base).status_code == 200
    assert admin_client.get(f"{base}{row.pk}/change/").status_code == 200
    assert admin_client.get(f"{base}add/").status_code == 403
    assert admin_client.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    before = {field.name: getattr(row, field.attname) for field in type(row)._meta.concrete_fields}
    response = admin_client.post(f"{base}{row.pk}/change/", {
        "order": row.order_id, "provider": "cash", "reference": "forged", "amount": "1.00", "currency": "KES",
        "raw": "{}", "reason": "forged", "status": "DONE", "key": "forged", "request_hash": "f" * 64,
    })
    assert response.status_code == 403
    row.refresh_from_db()
    assert {field.name: getattr(row, field.attname) for field in type(row)._meta.concrete_fields} == before
    assert type(row).objects.count() == 1


def test_order_page_offers_no_payment_or_refund_form_fields_when_super_admin(admin_client, money_rows):
    order = money_rows["payment"].order
    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert 'name="refunds-0-status"' not in page
    assert 'name="payments-0-amount"' not in page


def test_mark_cash_paid_warns_and_counts_none_when_order_already_paid(api, admin_client, catalog):
    order = place(api, catalog)
    act(admin_client, "mark_cash_paid", [order])
    response = act(admin_client, "mark_cash_paid", [order])
    assert Payment.objects.filter(order=order).count() == 1
    notes = messages_of(response)
    assert ("info", "0 order(s) marked paid.") in notes
    assert any(level == "warning" and order.order_number in text for level, text in notes)


def test_mark_cash_paid_counts_only_orders_it_paid_when_some_were_paid_already(api, admin_client, catalog):
    paid, unpaid = place(api, catalog), place(api, catalog)
    act(admin_client, "mark_cash_paid", [paid])
    notes = messages_of(act(admin_client, "mark_cash_paid", [paid, unpaid]))
    assert ("info", "1 order(s) marked paid.") in notes
    warnings = [text for level, text in notes if level == "warning"]
    assert len(warnings) == 1 and warnings[0].startswith(f"{paid.order_number}: not marked paid") and "PAID" in warnings[0]
    assert Order.objects.get(pk=unpaid.pk).status == "PAID"


def test_export_csv_escapes_cells_when_customer_fields_start_like_formulas(api, admin_client, catalog):
    order = place(api, catalog)
    Order.objects.filter(pk=order.pk).update(customer_name='=HYPERLINK("http://evil.example","x")',
                                             customer_email="@evil.example")
    response = act(admin_client, "export_csv", [order])
    header, row = list(csv.reader(io.StringIO(response.content.decode())))
    cells = dict(zip(header, row))
    assert cells["customer_name"] == """'=HYPERLINK("http://evil.example","x")"""
    assert cells["customer_email"] == "'@evil.example"
    assert cells["customer_phone"] == "'+254720111222"
    assert cells["order_number"] == order.order_number
