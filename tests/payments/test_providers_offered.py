"""PAYMENTS_PROVIDERS: a deployment offers only the providers it takes money through."""
import pytest

from payments.models import PaymentAttempt
from tests.orders.conftest import catalog, order_body  # noqa: F401 (the catalog fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mpesa_only(settings):
    settings.PAYMENTS_PROVIDERS = ["mpesa"]


def test_airtel_order_waits_without_a_prompt_when_only_mpesa_is_offered(api, catalog, mpesa_only):
    response = api.post("/stores/orders/", order_body((catalog.vvip, 1), exact_payment_method="AIRTEL"), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["payment"]["started"] is False and "No payment provider" in body["payment"]["message"]
    assert not PaymentAttempt.objects.exists()


def test_mpesa_order_still_prompts_when_only_mpesa_is_offered(api, catalog, mpesa_only):
    response = api.post("/stores/orders/", order_body((catalog.vvip, 1)), format="json")
    assert response.status_code == 201 and response.json()["payment"]["started"] is True
    assert PaymentAttempt.objects.get().provider == "mpesa"


def test_card_order_answers_cards_unavailable_without_an_attempt_when_cybersource_not_offered(
        api, catalog, mpesa_only):
    response = api.post("/stores/orders/", order_body((catalog.vvip, 1), payment_method="CARD"), format="json")
    assert response.status_code == 201
    pay = response.json()["pay_response"]
    assert (pay["status"], pay["url"], pay["payload"]) == (False, None, None)
    assert not PaymentAttempt.objects.exists()


def test_payment_page_offers_no_card_form_when_cybersource_not_offered(api, client, catalog, mpesa_only):
    order_id = api.post("/stores/orders/", order_body((catalog.vvip, 1), response_type="html", is_pay_later=True),
                        format="json").json()["link"].rstrip("/").split("/")[-1]
    page = client.get(f"/payments/links/{order_id}/").content.decode()
    assert 'id="pay-by-card"' not in page and 'id="send-prompt"' in page
    refused = client.post(f"/payments/links/{order_id}/card/")
    assert refused.status_code in (400, 403, 409) and not PaymentAttempt.objects.exists()
