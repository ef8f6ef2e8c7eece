"""Serializer fields as strict as the schema they document."""

from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A string, and only a string: DRF's CharField takes the JSON number 0 as "0", while the
    schema promises clients (and tells fuzzers) `type: string`."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
