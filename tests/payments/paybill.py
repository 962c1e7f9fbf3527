"""What the paybill tests share: Daraja's C2B body written from payments.md §1.9 (not by the
adapter), the two callback URLs, and an order placed without its M-Pesa prompt."""
import json

from orders.models import Order
from tests.orders.conftest import order_body

TOKEN = "sandbox-callback-token"
VALIDATION_URL = f"/payments/callbacks/paybill/{TOKEN}/validation/"
CONFIRMATION_URL = f"/payments/callbacks/paybill/{TOKEN}/confirmation/"
ACK = {"ResultCode": 0, "ResultDesc": "Success"}


def c2b_body(account: str, amount: str = "9000", trans_id: str = "RKTQDM7W6S", **fields) -> dict:
    return {"TransactionType": "Pay Bill", "TransID": trans_id, "TransTime": "20261203063845",
            "TransAmount": amount, "BusinessShortCode": "600638", "BillRefNumber": account, "InvoiceNumber": "",
            "OrgAccountBalance": "", "ThirdPartyTransID": "", "MSISDN": "25470****149", "FirstName": "John",
            "MiddleName": "", "LastName": "Doe", **fields}


def post(client, url: str, body):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json")


def order_placed(client, *lines, **fields) -> Order:
    """A PENDING order placed through the API (its prompt leaves only if the test commits)."""
    response = client.post("/stores/orders/", order_body(*lines, **fields), format="json")
    assert response.status_code == 201, response.json()
    return Order.objects.get(pk=response.json()["id"])
