"""The OpenAPI schema's error responses, documented once for every operation.

Views declare only what is particular to them (`404: OpenApiResponse(description=...)`); this
AutoSchema adds what follows from how the API works (401 where a token is needed, 400 where the
request has a body or parameters to validate, 404 where the path names something) and makes every
error response reference the one `Error` component of API.md's error shape.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A machine code to branch on, such as `not_found`.")
    message = serializers.CharField(help_text="What went wrong, for people.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="The problems of each field, by dotted field path (validation errors only).",
    )


class ErrorSerializer(serializers.Serializer):
    """Every error answer of the API: `{"error": {"code", "message", "fields"?}}`."""

    error = ErrorDetailSerializer()


_GENERIC: dict[int | str, str] = {
    400: "`invalid` (see `fields`), or a request that cannot be parsed.",
    401: "`not_authenticated` or `token_not_valid`: no, an invalid, expired or revoked token.",
    "optional_token": (
        "`token_not_valid`: a token was sent and is invalid, expired or revoked (none is needed)."
    ),
    404: "`not_found`: nothing is at this path for the caller.",
    429: "`throttled`: too many requests; see Retry-After.",
    "page": "`invalid_page` or `invalid_page_size`: not a whole number in range.",
    "page_past_last": "`not_found`: a page past the last one.",
}


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        serializer = self.get_request_serializer() if "requestBody" in operation else None
        if getattr(serializer, "exactly_one_of", None) or getattr(
            serializer, "at_least_one_of", None
        ):
            # One of its fields is required, so a body is.
            operation["requestBody"]["required"] = True
        responses = operation["responses"]
        generic: dict[int, str] = {}
        if self._requires_authentication():
            generic[401] = _GENERIC[401]
        elif getattr(self.view, "authentication_classes", None):
            # Open to anonymous callers, but a token sent along is still checked.
            generic[401] = _GENERIC["optional_token"]
        if "requestBody" in operation or any(
            parameter.get("in") == "query" for parameter in operation.get("parameters", [])
        ):
            generic[400] = _GENERIC[400]
        if any(parameter.get("in") == "path" for parameter in operation.get("parameters", [])):
            generic[404] = _GENERIC[404]
        if self.method == "GET" and self._is_list_view() and self._get_paginator() is not None:
            generic[400] = _GENERIC["page"]
            generic[404] = _GENERIC["page_past_last"]
        if getattr(self.view, "throttle_classes", None):
            generic[429] = _GENERIC[429]
        for code, description in generic.items():
            responses.setdefault(str(code), {"description": description})
        error_ref = self.resolve_serializer(ErrorSerializer, "response").ref
        for code, response in responses.items():
            if code.isdigit() and int(code) >= 400:
                response["content"] = {"application/json": {"schema": error_ref}}
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _map_basic_serializer(self, serializer, direction):
        # A serializer that takes exactly one (or at least one) of some fields says so in its
        # `exactly_one_of` (`at_least_one_of`); the schema then states it too, as `oneOf`
        # (`anyOf`) of each alone, instead of a 400 it would hide.
        result = super()._map_basic_serializer(serializer, direction)
        if direction == "request":
            for attribute, keyword in (("exactly_one_of", "oneOf"), ("at_least_one_of", "anyOf")):
                if names := getattr(serializer, attribute, None):
                    result[keyword] = [{"required": [name]} for name in names]
        return result

    def _requires_authentication(self) -> bool:
        return not all(isinstance(p, AllowAny) for p in self.view.get_permissions())
