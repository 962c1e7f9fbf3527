"""Customers named by API clients: by our id, else by their `source_id` (made when unknown)."""
from mookh.core.identity import email_identity
from mookh.core.phone import InvalidPhoneNumber, phone_normalize
from orders.services import Person
from orders.voucherify.errors import ApiResourceNotFound
from orders.voucherify.inputs import CustomerInput
from orders.voucherify.models import ApiCustomer

DETAILS = ("name", "description", "email", "phone", "birthdate", "address", "metadata")


def api_customer_resolve(*, store, data: CustomerInput) -> ApiCustomer:
    """The customer `data` names, with the details it gives stored. The same `source_id` is the
    same customer on every order; a concurrent first use of it makes one customer (unique index)."""
    details = {name: getattr(data, name) for name in DETAILS if getattr(data, name) is not None}
    if data.id:
        customer = ApiCustomer.objects.filter(store=store, pk=data.id).first()
        if customer is None:
            raise ApiResourceNotFound("customer", data.id)
    elif data.source_id:
        customer, created = ApiCustomer.objects.get_or_create(store=store, source_id=data.source_id,
                                                              defaults=details)
        if created:
            return customer
    else:
        return ApiCustomer.objects.create(store=store, **details)
    changed = [name for name, value in details.items() if getattr(customer, name) != value]
    if changed:
        for name in changed:
            setattr(customer, name, details[name])
        customer.save(update_fields=[*changed, "updated"])
    return customer


def api_customer_by_id(*, store, customer_id: str) -> ApiCustomer:
    customer = ApiCustomer.objects.filter(store=store, pk=customer_id).first()
    if customer is None:
        raise ApiResourceNotFound("customer", customer_id)
    return customer


def buyer_of(customer: ApiCustomer | None, *, with_contact: bool) -> Person:
    """The order's buyer for the engine. Contact details only when Mookh delivers something (catalogue
    lines): a buyer of products sold elsewhere gets no message from us."""
    if customer is None:
        return Person(name="", email="", phone_number="")
    name = (customer.name or customer.source_id or "")[:200]
    if not with_contact:
        return Person(name=name, email="", phone_number="")
    try:
        phone = phone_normalize(customer.phone) if customer.phone else ""
    except InvalidPhoneNumber:
        phone = ""  # kept on the customer as given; not one Mookh can text
    return Person(name=name, email=(customer.email or "").lower(), phone_number=phone)


def buyer_contact_fields(person: Person) -> dict:
    """Order columns holding the buyer, for changing the customer of an order already placed."""
    return {"customer_name": person.name, "customer_email": person.email,
            "customer_email_identity": email_identity(person.email), "customer_phone": person.phone_number}
