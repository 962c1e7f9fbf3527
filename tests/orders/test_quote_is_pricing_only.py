"""`validate_order` prices and checks; it never places, pays, reserves or hands out links."""
import logging
from decimal import Decimal

import pytest

from orders.models import Order
from payments.models import Payment
from promos.models import PromoCode
from stores.models import Album
from tests.factories.stores import MediaFileFactory
from tests.orders.conftest import CUSTOMER
from tests.orders.test_place_promos import promo_code_create
from tickets.models import IssuedTicket

pytestmark = pytest.mark.django_db


def _v1_body(*lines, **fields) -> dict:
    detail = [{"item_id": str(item.pk), "type_name": item.TYPE_NAME, "item_quantity": quantity}
              for item, quantity in lines]
    return {"customer": dict(CUSTOMER), "currency": "KES", "payment_method": "MOBILE", "order_detail": detail,
            **fields}


def test_quote_of_free_album_gives_no_download_links_when_anonymous(api, catalog, caplog, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    MediaFileFactory(album=catalog.album, title="Intro")
    Album.objects.filter(pk=catalog.album.pk).update(prices={"KES": "0.00"})
    with caplog.at_level(logging.INFO):
        response = api.post("/stores/order/validate_order/", _v1_body((catalog.album, 1)), format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["order_amount"] == "0.00"
    assert "media_files" not in str(body) and "download" not in str(body)
    assert set(body["order_detail"][0]) == {"name", "item_id", "type_name", "item_quantity", "unit_price",
                                            "promo_code", "promo_amount", "selling_price"}
    assert not Order.objects.exists() and not Payment.objects.exists() and not IssuedTicket.objects.exists()
    assert not [record for record in caplog.records if "order" in record.getMessage().lower()
                and ("placed" in record.getMessage() or "paid" in record.getMessage())]


def test_quote_leaves_promo_uses_and_stock_untouched_when_repeated(api, catalog):
    code = promo_code_create(catalog.store, "FREEALL", percent=Decimal("100"), max_uses=1)
    body = _v1_body((catalog.vvip, 1), promo_code="FREEALL")
    for _ in range(3):
        response = api.post("/stores/order/validate_order/", body, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["order_amount"] == "0.00" and response.json()["promo_code_value"] == "4500.00"
    catalog.vvip.refresh_from_db()
    assert PromoCode.objects.get(pk=code.pk).uses == 0
    assert (catalog.vvip.sold, catalog.vvip.reserved) == (0, 0)
    assert not Order.objects.exists()


def test_quote_reports_sold_out_without_reserving_when_too_many_asked(api, catalog):
    response = api.post("/stores/order/validate_order/", _v1_body((catalog.vvip, 51)), format="json")
    assert response.status_code == 409 and response.json()["code"] == "sold_out"
