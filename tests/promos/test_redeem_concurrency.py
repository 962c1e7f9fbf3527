"""Parallel orders racing for the last uses of a code: the database lets exactly the allowed number through."""
import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Sum

from promos.errors import PromoExhausted, PromoPerPersonLimit
from promos.models import Promotion, Redemption
from promos.services import RedemptionRequest, promo_uses_reserve
from tests.factories.promos import PromoCodeFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 12


def race(code, customers) -> tuple[list, list]:
    """Each thread places one order of one unit, in its own transaction and connection."""
    barrier = threading.Barrier(len(customers))
    succeeded, refused, crashed = [], [], []

    def place(customer):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                promo_uses_reserve(order_id=uuid.uuid4(), redemptions=[RedemptionRequest(
                    promo_code_id=code.id, order_line_id=uuid.uuid4(), units=1, discount_amount=Decimal("10"),
                    **customer)])
            succeeded.append(customer)
        except (PromoExhausted, PromoPerPersonLimit) as error:
            refused.append(error.code)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            crashed.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=place, args=(customer,)) for customer in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not crashed, crashed
    return succeeded, refused


def live_units(code) -> int:
    return Redemption.objects.filter(promo_code=code, status__in=Redemption.LIVE).aggregate(
        total=Sum("units"))["total"] or 0


def test_exactly_max_uses_succeed_when_parallel_orders_race():
    code = PromoCodeFactory(promotion__max_uses=5)
    customers = [{"email": f"c{n}@example.com", "phone": f"+2547200000{n:02d}"} for n in range(THREADS)]
    succeeded, refused = race(code, customers)
    code.refresh_from_db()
    assert len(succeeded) == 5
    assert refused == ["promo_exhausted"] * (THREADS - 5)
    assert code.uses == live_units(code) == len(succeeded)


@pytest.mark.parametrize("shared", ["phone", "email"])
def test_exactly_max_uses_per_user_succeed_when_same_customer_races(shared):
    code = PromoCodeFactory(promotion__max_uses=None, promotion__max_uses_per_user=3,
                            promotion__usage_type=Promotion.UsageType.X_USES_PER_PERSON)
    person = {"email": "ann@example.com", "phone": "+254720000001"}
    # Every thread is Ann: half say so with both her email and phone; the other half share only
    # her phone (with another email) or only her email (with another phone).
    customers = [dict(person) if n % 2 else {**{"email": f"alias{n}@example.com", "phone": f"+2547300000{n:02d}"},
                                             shared: person[shared]} for n in range(THREADS)]
    succeeded, refused = race(code, customers)
    code.refresh_from_db()
    assert len(succeeded) == 3
    assert refused == ["promo_per_person_limit"] * (THREADS - 3)
    assert code.uses == live_units(code) == len(succeeded)
