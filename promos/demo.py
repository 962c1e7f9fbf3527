"""Demo promotions for `make run`, on the store of owner@mookh.local (created by the stores demo)."""
from decimal import Decimal

from promos.models import Promotion
from promos.selectors import promo_code_find
from promos.services import promotion_create
from stores.models import Store

OWNER_EMAIL = "owner@mookh.local"
MOOKH_CODE = "MOOKH10"
GROUP_CODES = ["FRIENDS-A", "FRIENDS-B", "FRIENDS-C"]


def load(out):
    store = Store.objects.filter(owner__email=OWNER_EMAIL).select_related("owner").order_by("created").first()
    if store is None:
        out.write(f"Demo promo codes skipped: no store owned by {OWNER_EMAIL}.")
        return
    owner = store.owner
    if promo_code_find(store_id=store.pk, code=MOOKH_CODE) is None:
        promotion_create(actor=owner, store_id=store.pk, kind=Promotion.Kind.SINGLE, name="Mookh 10% off",
                         discount_type=Promotion.DiscountType.PERCENT, percent_discount=Decimal("10"),
                         max_uses=100, is_custom=True, codes=[MOOKH_CODE])
    if promo_code_find(store_id=store.pk, code=GROUP_CODES[0]) is None:
        promotion_create(actor=owner, store_id=store.pk, kind=Promotion.Kind.GROUP, name="Friends: 200 off",
                         discount_type=Promotion.DiscountType.FIXED, fixed_discount=Decimal("200"),
                         usage_type=Promotion.UsageType.X_USES_PER_PERSON, max_uses=50, max_uses_per_user=2,
                         is_custom=True, codes=GROUP_CODES)
    out.write(f"Demo promo codes on {store.store_name}: {MOOKH_CODE} (10% off, 100 uses) and the group "
              f"{', '.join(GROUP_CODES)} (200 off each unit, 2 uses per customer).")
