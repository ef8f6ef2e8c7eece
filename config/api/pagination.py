from rest_framework import pagination

from config.api.error_codes import ApiErrorCode
from config.api.errors import ApplicationError


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's page numbers, strict: `page=0`, `page=-1` or `page=abc` is a 400 `invalid_page`
    (DRF would answer 404 "Invalid page", as if the list had no such page), a bad `page_size` a
    400 `invalid_page_size` (DRF would quietly fall back to the default). A page past the last is
    still a 404, as documented. `page=last` is not offered: the schema says a page is a number."""

    page_size_query_param = "page_size"
    max_page_size = 200
    last_page_strings = ()

    def get_page_number(self, request, paginator):
        value = request.query_params.get(self.page_query_param)
        if value is None:
            return 1
        if not _positive_integer(value):
            raise ApplicationError(
                "The page is a whole number from 1.",
                code=ApiErrorCode.INVALID_PAGE,
                fields={self.page_query_param: ["A whole number from 1."]},
            )
        return int(value)

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not _positive_integer(value) or int(value) > self.max_page_size:
            raise ApplicationError(
                f"The page size is a whole number from 1 to {self.max_page_size}.",
                code=ApiErrorCode.INVALID_PAGE_SIZE,
                fields={self.page_size_query_param: [f"From 1 to {self.max_page_size}."]},
            )
        return int(value)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


def _positive_integer(value: str) -> bool:
    # ASCII digits only: int() would also take "+3", " 3" or "٣".
    return value.isascii() and value.isdigit() and int(value) >= 1


class CursorPagination(pagination.CursorPagination):
    """DRF's cursor pages, with the page size as strict as the numbered pages' (a bad one is a
    400 `invalid_page_size`, not a quiet fallback), and its bounds in the schema."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        return PageNumberPagination.get_page_size(self, request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
        return parameters
