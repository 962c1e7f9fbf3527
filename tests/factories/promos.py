from decimal import Decimal

import factory

from promos.models import PromoCode, Promotion
from tests.factories.stores import StoreFactory


class PromotionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Promotion

    store = factory.SubFactory(StoreFactory)
    kind = Promotion.Kind.SINGLE
    name = factory.Sequence(lambda n: f"Promo {n}")
    discount_type = Promotion.DiscountType.PERCENT
    percent_discount = Decimal("10.00")


class PromoCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromoCode

    promotion = factory.SubFactory(PromotionFactory)
    store = factory.SelfAttribute("promotion.store")
    code = factory.Sequence(lambda n: f"CODE{n:04d}")
    max_uses = factory.SelfAttribute("promotion.max_uses")
