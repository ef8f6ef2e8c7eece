"""The OpenAPI schema clients are written against: valid, warning-free, served with its docs."""

import pytest
import yaml
from django.core.management import call_command


@pytest.mark.django_db
def test_schema_generates_valid_and_without_warnings(tmp_path):
    schema_file = tmp_path / "schema.yml"

    # --fail-on-warn turns every drf-spectacular warning (an unguessable type, a clashing
    # operation id) into a failure; --validate checks the result against the OpenAPI spec.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema_file))

    schema = yaml.safe_load(schema_file.read_text())
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Lingua learner API"


@pytest.mark.django_db
def test_schema_endpoint_answers(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.mark.django_db
def test_api_docs_page_answers(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert b"swagger-ui" in response.content.lower()


@pytest.mark.django_db
def test_api_docs_use_no_cdn_so_they_work_offline(client):
    page = client.get("/api/docs/").content.decode()

    assert "cdn.jsdelivr.net" not in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page


@pytest.mark.django_db
def test_the_home_page_links_the_docs_the_admin_and_sign_in(client):
    response = client.get("/")

    assert response.status_code == 200
    for link in ("/api/docs/", "/admin/", "/accounts/login/"):
        assert f'href="{link}"' in response.content.decode()
