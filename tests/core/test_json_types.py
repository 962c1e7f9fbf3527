"""JSON types the schema states are the ones the API takes: text fields take strings only (not 123
or true read as text), amounts take a decimal string or a whole number, and never a binary float;
free JSON that PostgreSQL's jsonb could not hold is refused with a 400, or kept with stand-ins."""
import importlib
import pkgutil
from decimal import Decimal

import pytest
from rest_framework import serializers

from mookh.core.serializers import JsonStandIns, JsonStorable, JsonStringOnly, StrictDecimalField
from promos.models import Promotion
from stores.models import Event
from tests.conftest import client_for
from tests.factories.stores import EventCategoryFactory

PROJECT_APPS = ("notifications", "users", "stores", "promos", "orders", "tickets", "payments")
# Validators that refuse any number read as text, so a number there is already a 400.
TEXT_FIELDS_VALIDATED = (serializers.EmailField, serializers.URLField)


def _project_serializer_classes():
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)
    pending, found = [serializers.Serializer], []
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in PROJECT_APPS:
            found.append(cls)
    return found


def _writable_fields(serializer, path=""):
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        where = f"{path}{name}"
        child = getattr(field, "child", None)
        if isinstance(field, serializers.Serializer):
            yield from _writable_fields(field, f"{where}.")
        elif isinstance(child, serializers.Serializer):
            yield from _writable_fields(child, f"{where}[].")
        else:
            yield where, field
            if child is not None:
                yield f"{where}[]", child


def test_every_writable_text_and_amount_field_keeps_to_its_json_type():
    loose = []
    classes = _project_serializer_classes()
    assert len(classes) > 50  # the walk found the project's serializers, not nothing
    for cls in classes:
        if cls.__name__.endswith("Output"):  # the project's name for an answer's shape: never read
            continue
        for where, field in _writable_fields(cls()):
            if isinstance(field, serializers.CharField) and not isinstance(field, (JsonStringOnly,
                                                                                   *TEXT_FIELDS_VALIDATED)):
                loose.append(f"{cls.__module__}.{cls.__name__}.{where}: {type(field).__name__}")
            if isinstance(field, serializers.DecimalField) and not isinstance(field, StrictDecimalField):
                loose.append(f"{cls.__module__}.{cls.__name__}.{where}: {type(field).__name__}")
            free_json = (isinstance(field, serializers.JSONField) or
                         (isinstance(field, (serializers.DictField, serializers.ListField))
                          and type(field.child).__name__ == "_UnvalidatedField"))
            if free_json and not isinstance(field, (JsonStorable, JsonStandIns)):
                loose.append(f"{cls.__module__}.{cls.__name__}.{where}: {type(field).__name__}")
    assert not loose, "\n".join(loose)


@pytest.mark.django_db
@pytest.mark.parametrize(("sent", "stored"), [(15, Decimal("15.00")), ("15.50", Decimal("15.50"))])
def test_an_amount_is_taken_as_a_decimal_string_or_a_whole_number(owner, store, sent, stored):
    body = {"codes": ["SPRING-A"], "discount_type": "FIXED", "fixed_discount": sent}
    response = client_for(owner).post(f"/stores/store/{store.id}/promocode-groups/", body, format="json")
    assert response.status_code == 201, response.content
    assert Promotion.objects.get().fixed_discount == stored


@pytest.mark.django_db
@pytest.mark.parametrize("sent", [15.5, 15.0, 0.1])
def test_an_amount_sent_as_a_json_fraction_is_refused_naming_the_field(owner, store, sent):
    body = {"codes": ["SPRING-A"], "discount_type": "FIXED", "fixed_discount": sent}
    response = client_for(owner).post(f"/stores/store/{store.id}/promocode-groups/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["fixed_discount"] == ['Send an amount with a fraction as a decimal string, such as "15.50".']
    assert not Promotion.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("sent", ["1e400", "-1e400"])
def test_an_amount_too_large_for_a_number_is_refused_as_no_number(owner, store, sent):
    body = '{"codes": ["SPRING-A"], "discount_type": "FIXED", "fixed_discount": %s}' % sent
    response = client_for(owner).post(f"/stores/store/{store.id}/promocode-groups/", body,
                                      content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["fixed_discount"] == ["A valid number is required."]
    assert not Promotion.objects.exists()


def _event_body(store, **changes):
    return {"event_name": "Mseto", "event_description": "music", "event_category_fk": str(EventCategoryFactory().id),
            "store_fk": str(store.id), "start_date": "2030-01-05T10:00:00Z", **changes}


@pytest.mark.django_db
@pytest.mark.parametrize("sent", [2026, True, 12.5])
def test_a_number_or_true_for_text_is_refused_naming_the_field(owner, store, sent):
    response = client_for(owner).post("/stores/event/", _event_body(store, event_name=sent), format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {"event_name": ["Not a valid string."]}
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_the_same_event_with_its_name_as_text_is_created(owner, store):
    response = client_for(owner).post("/stores/event/", _event_body(store, event_name="2026"), format="json")
    assert response.status_code == 201, response.content
    assert Event.objects.get().event_name == "2026"

