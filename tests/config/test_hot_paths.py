"""What the hot paths measured by `manage.py bench_serving` cost with a real bearer token, as a
client sends it: authentication is one query (the login session joined with its user), so a
check that creeps in per request (a health check's SELECT 1, a second read of the user) shows."""

import pytest

pytestmark = pytest.mark.django_db


def test_me_stats_is_the_token_check_and_one_query(jwt_client, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = jwt_client.get("/api/v1/me/stats/")

    assert response.status_code == 200


def test_the_bare_view_touches_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.json() == {"status": "ok"}
