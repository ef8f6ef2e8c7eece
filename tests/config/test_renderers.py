"""The API's JSON renderer (orjson) writes what DRF's JSONRenderer writes."""

import decimal
import threading
import uuid
from datetime import UTC, date, datetime, time

from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

from config.api.renderers import JSONRenderer
from config.api.representation import Representer

BODY = {
    "text": "naïve café 日本 \u2028 and \u2029",
    "int": 7,
    "float": 0.1,
    "none": None,
    "bool": True,
    "at": datetime(2026, 3, 1, 21, 30, 15, 123456, tzinfo=UTC),
    "day": date(2026, 3, 1),
    "clock": time(7, 30),
    "decimal": decimal.Decimal("1.50"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "lazy": gettext_lazy("Not found."),
    "nested": [{"a": (1, 2)}, []],
}


def test_the_bytes_are_drfs():
    assert JSONRenderer().render(BODY) == DRFJSONRenderer().render(BODY)


def test_line_separators_are_escaped_for_javascript():
    assert b"\\u2028" in JSONRenderer().render({"text": "\u2028"})


def test_indent_asked_for_is_given():
    rendered = JSONRenderer().render({"a": 1}, "application/json; indent=2")

    assert rendered == b'{\n  "a": 1\n}'


def test_what_orjson_refuses_is_still_rendered():
    assert JSONRenderer().render({"big": 2**70}) == b'{"big":1180591620717411303424}'


def test_nothing_is_an_empty_body():
    assert JSONRenderer().render(None) == b""


class _PointSerializer(serializers.Serializer):
    name = serializers.CharField()
    at = serializers.DateTimeField()
    tags = serializers.ListField(child=serializers.CharField())


def test_a_representer_renders_as_the_serializer_does():
    point = {"name": "x", "at": datetime(2026, 3, 1, tzinfo=UTC), "tags": ["a", "b"]}

    assert Representer(_PointSerializer)(point) == _PointSerializer(point).data
    assert Representer(_PointSerializer, many=True)([point, point]) == (
        _PointSerializer([point, point], many=True).data
    )


def test_one_representer_serves_many_threads():
    represent = Representer(_PointSerializer)
    errors = []

    def render(n):
        for _ in range(200):
            point = {"name": str(n), "at": datetime(2026, 3, n + 1, tzinfo=UTC), "tags": [str(n)]}
            if represent(point) != _PointSerializer(point).data:
                errors.append(n)

    threads = [threading.Thread(target=render, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
