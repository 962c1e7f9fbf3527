"""mookh.core.serializers.Serializer copies its declared fields cheaply, and no request's state
reaches another's or the class's."""
from rest_framework import serializers

from mookh.core.serializers import Serializer, StrictCharField


class Inner(Serializer):
    code = StrictCharField(max_length=3)


class Outer(Serializer):
    name = StrictCharField(max_length=5)
    inner = Inner()
    items = Inner(many=True)
    tags = serializers.ListField(child=StrictCharField(max_length=2))


def test_each_instance_binds_fields_of_its_own_and_the_class_keeps_them_unbound():
    first, second = Outer(data={}), Outer(data={})
    for name in ("name", "inner", "items", "tags"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
        assert Outer._declared_fields[name].field_name is None
    assert first.fields["inner"].fields["code"] is not second.fields["inner"].fields["code"]
    assert first.fields["tags"].child is not second.fields["tags"].child


def test_one_instances_errors_and_values_do_not_reach_the_next():
    bad = Outer(data={"name": "toolong", "inner": {"code": "abcd"}, "items": [{"code": "x"}], "tags": ["abc"]})
    assert not bad.is_valid()
    assert set(bad.errors) == {"name", "inner", "tags"}
    good = Outer(data={"name": "ok", "inner": {"code": "abc"}, "items": [{"code": "y"}], "tags": ["ab"]})
    assert good.is_valid(), good.errors
    assert good.validated_data == {"name": "ok", "inner": {"code": "abc"}, "items": [{"code": "y"}], "tags": ["ab"]}
    assert bad.errors["name"] and "name" not in good.errors
