"""Refunds racing on real PostgreSQL connections: the reservation under the order's lock lets one
win, and the other sees what is left — never more money back than the order received."""
import threading
from decimal import Decimal

import pytest
from django.db import connections
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from payments.models import Refund
from tests.orders.conftest import catalog  # noqa: F401 (fixture)
from tests.payments.refund_fixtures import recorded, sent, shop, uganda_ticket  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def _race(order, owner, amounts: list) -> list:
    """Post the refunds at the same moment, each on its own connection; their answers, in order."""
    start, answers = threading.Barrier(len(amounts)), [None] * len(amounts)
    token = f"Bearer {RefreshToken.for_user(owner).access_token}"

    def refund(index: int):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=token)
        body = {} if amounts[index] is None else {"amount": amounts[index]}
        try:
            start.wait()
            answers[index] = client.post(f"/stores/orders/{order.pk}/refund/", body, format="json")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refund, args=(index,)) for index in range(len(amounts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_concurrent_full_refunds_one_wins_the_other_finds_nothing_left(shop):
    order = shop.paid("MTNUG")
    answers = _race(order, shop.catalog.owner, [None, None, None])
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200, 409, 409], [answer.json() for answer in answers]
    assert {answer.json()["code"] for answer in answers if answer.status_code == 409} == {"nothing_to_refund"}
    assert len(sent("/disbursement/v1_0/refund")) == 1
    assert list(Refund.objects.values_list("amount", "status")) == [(Decimal("100000.00"), "DONE")]
    order.refresh_from_db()
    assert order.status == "REFUNDED"


def test_concurrent_partial_refunds_the_second_sees_the_new_refundable_amount(shop):
    order = shop.paid("MTNUG")
    answers = _race(order, shop.catalog.owner, ["60000", "60000"])
    won, lost = sorted(answers, key=lambda answer: answer.status_code)
    assert (won.status_code, lost.status_code) == (200, 400)
    assert "At most 40000.00 UGX" in lost.json()["amount"][0]
    assert [r["body"]["amount"] for r in sent("/disbursement/v1_0/refund")] == ["60000"]
    assert sum(Refund.objects.filter(status="DONE").values_list("amount", flat=True)) == Decimal("60000")
    order.refresh_from_db()
    assert order.status == "PAID"
