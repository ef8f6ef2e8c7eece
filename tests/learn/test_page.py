"""The page at /learn/ and its static files: served, self-contained, CSP-friendly."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "learn" / "static" / "learn"
TEMPLATE = Path(__file__).resolve().parents[2] / "learn" / "templates" / "learn" / "index.html"
# Any scheme-qualified or protocol-relative URL: the client talks to its own origin only.
EXTERNAL_URL = re.compile(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}""", re.IGNORECASE)
# XML namespaces are names, not addresses: nothing is fetched from them.
NAMESPACES = {"//www.w3.org"}


def _client_files():
    return sorted(p for p in STATIC.rglob("*") if p.suffix in {".js", ".css", ".svg", ".html"})


def test_the_page_is_served_with_its_scripts_and_styles(client):
    response = client.get("/learn/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<script type="module" src="/static/learn/js/main.js"></script>' in html
    assert 'href="/static/learn/app.css"' in html
    assert '<meta name="lingua-api" content="/api/v1/">' in html


def test_every_static_file_the_page_loads_is_found(client):
    html = client.get("/learn/").content.decode()
    referenced = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    imported = []
    for path in (STATIC / "js").rglob("*.js"):
        for target in re.findall(r'from "(\.[^"]+)"', path.read_text()):
            imported.append((path.parent / target).resolve().relative_to(STATIC.parent).as_posix())
    assert referenced
    assert imported
    for name in [*referenced, *imported]:
        assert finders.find(name), f"{name} is not a static file"


def test_the_static_files_are_served(client):
    for path in ("learn/js/main.js", "learn/app.css", "learn/js/api.js"):
        response = client.get(f"/static/{path}")
        assert response.status_code == 200, path


def test_no_file_of_the_client_names_another_host():
    files = [*_client_files(), TEMPLATE]
    assert len(files) > 10
    for path in files:
        found = {url for url in EXTERNAL_URL.findall(path.read_text()) if url not in NAMESPACES}
        found = {url for url in found if not any(url.endswith(ns) for ns in NAMESPACES)}
        assert not found, f"{path.name} names another host: {found}"


def test_the_page_has_no_inline_script_or_style_and_a_strict_policy(client):
    response = client.get("/learn/")
    html = response.content.decode()

    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL)
    assert scripts
    assert all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert "<style" not in html
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "connect-src 'self' ws://testserver" in policy


def test_the_client_never_writes_html_from_strings():
    # Course text and other learners' names are text: elements are built with dom.h().
    for path in (STATIC / "js").rglob("*.js"):
        source = path.read_text()
        for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert risky not in source, f"{path.name} uses {risky}"


def test_the_home_page_links_to_the_client(client):
    html = client.get("/").content.decode()
    assert 'href="/learn/"' in html
