import pytest

from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_learner_signs_in_through_the_site_login(live_server, page, password):
    user = UserFactory(password=password)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url
    assert (
        page.get_by_role("button", name="Sign out").count()
        + page.get_by_role("link", name="Sign out").count()
    )
