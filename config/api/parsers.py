"""The API's request parsers."""

import io

from django.conf import settings
from rest_framework import exceptions, parsers, status


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser reads the request stream itself, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE
    (checked only by `request.body`) never applies: any client, signed in or not, could make a
    worker load a body of any size into memory. Reading one byte past the limit tells, whatever
    Content-Length claimed."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and stream is not None:
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise RequestTooLarge()
            stream = io.BytesIO(body)
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # Valid JSON nested a few thousand levels deep exhausts the decoder's recursion
            # (DRF only turns ValueError into a ParseError): the client's fault, not a 500.
            raise exceptions.ParseError(
                "JSON parse error - the body is nested too deeply."
            ) from None
