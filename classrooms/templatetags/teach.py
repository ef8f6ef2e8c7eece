from django import template
from django.http import QueryDict

from classrooms.selectors import student_name as _student_name

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def student_name(student) -> str:
    return _student_name(student)


@register.simple_tag(takes_context=True)
def sort_url(context, key: str) -> str:
    """The roster sorted by `key`, descending first for figures, flipped when already sorted by
    it; the other query parameters (alert thresholds) kept."""
    request = context["request"]
    query: QueryDict = request.GET.copy()
    current, descending = context["sort_key"], context["descending"]
    if current == key:
        value = key if descending else f"-{key}"
    else:
        value = key if key == "name" else f"-{key}"
    query["sort"] = value
    return f"?{query.urlencode()}"


@register.simple_tag(takes_context=True)
def aria_sort(context, key: str) -> str:
    if context["sort_key"] != key:
        return "none"
    return "descending" if context["descending"] else "ascending"
