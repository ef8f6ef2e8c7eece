"""config.urls lists the API's apps with the hot paths first; that is safe only while no path
is matched by patterns of two apps, which would make the order choose the view."""

import itertools
import re

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from config.urls import api_v1

SAMPLES = {"int": "7", "slug": "a-b", "str": "x", "uuid": "12345678-1234-5678-1234-567812345678"}


def _routes(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _sample(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], route)


def _matches(patterns, path: str) -> bool:
    return any(RoutePattern(route, is_endpoint=True).match(path) for route in _routes(patterns))


def test_no_api_path_is_matched_by_two_apps():
    apps = {str(entry.urlconf_name.__name__): entry.url_patterns for entry in api_v1}
    assert len(apps) == 7

    clashes = []
    for (name, patterns), (other, other_patterns) in itertools.permutations(apps.items(), 2):
        for route in _routes(patterns):
            if _matches(other_patterns, _sample(route)):
                clashes.append((name, route, other))

    assert clashes == []


def test_the_api_resolves_before_the_site_wide_routes():
    names = [
        getattr(entry, "name", None) or str(entry.pattern) for entry in get_resolver().url_patterns
    ]

    assert names.index("api/v1/") < names.index("admin/")
