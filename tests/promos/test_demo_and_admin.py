"""Demo data for `make run`, and the admin pages of promotions."""
import io
import uuid
from decimal import Decimal

import pytest

from promos import demo
from promos.models import PromoCode, Promotion
from promos.services import RedemptionRequest, promo_uses_reserve
from tests.factories import UserFactory
from tests.factories.stores import StoreFactory
from tests.factories.promos import PromoCodeFactory

pytestmark = pytest.mark.django_db


def test_demo_creates_code_and_group_once_when_owner_store_exists():
    store = StoreFactory(owner=UserFactory(email="owner@mookh.local", roles=["store_owner"]))
    for _ in range(2):
        out = io.StringIO()
        demo.load(out)
    assert "MOOKH10" in out.getvalue()
    single = Promotion.objects.get(store=store, kind=Promotion.Kind.SINGLE)
    assert (single.discount_type, single.percent_discount) == ("PERCENT", Decimal("10.00"))
    assert list(single.codes.values_list("code", flat=True)) == ["MOOKH10"]
    group = Promotion.objects.get(store=store, kind=Promotion.Kind.GROUP)
    assert group.codes.count() == 3


def test_demo_says_so_and_writes_nothing_when_no_owner_store():
    out = io.StringIO()
    demo.load(out)
    assert "owner@mookh.local" in out.getvalue()
    assert not Promotion.objects.exists()


def test_admin_finds_codes_and_redemptions_by_code_when_searching(client, super_admin):
    super_admin.is_staff = super_admin.is_superuser = True
    super_admin.save()
    client.force_login(super_admin)
    code = PromoCodeFactory(code="FINDME")
    order_id = uuid.uuid4()
    promo_uses_reserve(order_id=order_id, redemptions=[RedemptionRequest(
        promo_code_id=code.id, order_line_id=uuid.uuid4(), units=1, email="a@example.com", phone="",
        discount_amount=Decimal("1"))])
    for path, shown in (("promotion", str(code.promotion)), ("promocode", "FINDME"), ("redemption", "FINDME")):
        response = client.get(f"/admin/promos/{path}/?q=findme")
        assert response.status_code == 200 and shown in response.content.decode()
    assert str(code.promotion) not in client.get("/admin/promos/promotion/?q=nothing").content.decode()
    assert client.get(f"/admin/promos/redemption/?q={order_id}").status_code == 200
    assert client.get("/admin/promos/redemption/?q=not-an-id").status_code == 200
    assert client.get(f"/admin/promos/promotion/{code.promotion_id}/change/").status_code == 200
    assert PromoCode.objects.count() == 1
