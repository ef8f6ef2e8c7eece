"""Serializer fields as strict as the schema they document."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A string, and only a string: DRF's CharField takes the JSON number 0 as "0", while the
    schema promises clients (and tells fuzzers) `type: string`."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "object", "additionalProperties": True})
class JSONObjectField(serializers.JSONField):
    """A JSON object (the serializer's own validation says so); documented as one, where a bare
    JSONField would tell clients that any JSON value, null included, is taken."""


class QuerySerializer(serializers.Serializer):
    """Query parameters. DRF reads `?limit=` as if `limit` were not sent and uses the default;
    the schema promises a number, so an empty value is refused."""

    def to_internal_value(self, data):
        blank = {
            name: ["This field may not be blank."] for name in self.fields if data.get(name) == ""
        }
        if blank:
            raise serializers.ValidationError(blank)
        return super().to_internal_value(data)
