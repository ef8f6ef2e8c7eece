"""POST auth/password/reset/ and auth/password/reset/confirm/: a reset link by mail, then a new
password that ends every earlier login."""

import re
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from kombu.exceptions import OperationalError
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import LoginSession
from accounts.services import token_pair_issue
from tests.accounts.factories import UserFactory
from tests.accounts.helpers import assert_error, bearer, claims

pytestmark = pytest.mark.django_db

RESET = "/api/v1/auth/password/reset/"
CONFIRM = "/api/v1/auth/password/reset/confirm/"
LOGIN = "/api/v1/auth/token/"
ME = "/api/v1/me/"
NEW_PASSWORD = "another-long-unusual-passphrase"
APP_RESET_URL = "https://app.lingua.test/reset?uid={uid}&token={token}"


@pytest.fixture
def app_reset_url(settings):
    settings.PASSWORD_RESET_URL = APP_RESET_URL


def _link() -> dict[str, str]:
    """The uid and token of the one reset mail sent, with its link set to APP_RESET_URL."""
    assert len(mail.outbox) == 1
    url = re.search(r"https://app\.lingua\.test/reset\S+", mail.outbox[0].body).group(0)
    query = parse_qs(urlsplit(url).query)
    return {"uid": query["uid"][0], "token": query["token"][0]}


def _reset_link_for(api_client, user) -> dict[str, str]:
    assert api_client.post(RESET, {"email": user.email}).status_code == 204
    return _link()


# --- Asking for a link --------------------------------------------------------------------------


def test_a_known_email_gets_a_reset_mail_naming_the_platform(api_client, user, app_reset_url):
    response = api_client.post(RESET, {"email": user.email.upper()})

    assert response.status_code == 204
    assert response.content == b""
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert "Lingua" in message.subject
    assert "Lingua" in message.body
    assert "example.com" not in message.subject + message.body


def test_an_unknown_email_gets_the_same_answer_and_no_mail(api_client, user, app_reset_url):
    known = api_client.post(RESET, {"email": user.email})
    mail.outbox.clear()

    unknown = api_client.post(RESET, {"email": "nobody@example.com"})

    assert (unknown.status_code, unknown.content) == (known.status_code, known.content)
    assert set(unknown.headers) == set(known.headers)
    assert mail.outbox == []


def test_a_known_and_an_unknown_email_do_the_same_work_in_the_request(api_client, user):
    # The lookup happens in the task: the request only enqueues, whatever the address.
    with mock.patch("accounts.tasks.password_reset_mail_send.apply_async") as enqueue:
        api_client.post(RESET, {"email": user.email})
        api_client.post(RESET, {"email": "nobody@example.com"})

    assert [call.kwargs["kwargs"]["email"] for call in enqueue.call_args_list] == [
        user.email,
        "nobody@example.com",
    ]


def test_an_inactive_account_gets_no_mail(api_client, app_reset_url):
    user = UserFactory(is_active=False)

    assert api_client.post(RESET, {"email": user.email}).status_code == 204
    assert mail.outbox == []


def test_an_account_without_a_password_can_set_one_by_reset(api_client, app_reset_url):
    user = UserFactory()
    user.set_unusable_password()
    user.save()

    link = _reset_link_for(api_client, user)
    response = api_client.post(CONFIRM, {**link, "password": NEW_PASSWORD})

    assert response.status_code == 204
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_the_link_follows_the_configured_front_end_url(api_client, user, app_reset_url):
    link = _reset_link_for(api_client, user)

    assert link["uid"] and link["token"]
    assert "{uid}" not in mail.outbox[0].body


def test_by_default_the_link_opens_allauths_reset_page_which_accepts_it(
    api_client, client, user, password
):
    api_client.post(RESET, {"email": user.email}, HTTP_HOST="testserver")
    url = re.search(r"http://testserver/accounts/password/reset/key/\S+", mail.outbox[0].body)
    assert url is not None

    response = client.get(url.group(0))

    # allauth keeps the key in the session and sends the browser to its form.
    assert response.status_code == 302
    assert response.headers["Location"].endswith("-set-password/")


def test_a_malformed_email_is_refused_with_400(api_client):
    assert_error(
        api_client.post(RESET, {"email": "not-an-email"}), 400, "invalid", fields=["email"]
    )


def test_asking_for_links_is_throttled_per_address(api_client, user, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"password_reset": "2/hour"})
    for email in (user.email, "nobody@example.com"):
        api_client.post(RESET, {"email": email}, REMOTE_ADDR="10.0.0.1")

    response = api_client.post(RESET, {"email": "other@example.com"}, REMOTE_ADDR="10.0.0.1")

    assert_error(response, 429, "throttled")
    other_address = api_client.post(RESET, {"email": user.email}, REMOTE_ADDR="10.0.0.2")
    assert other_address.status_code == 204


def test_without_a_broker_the_mail_is_sent_in_the_request(api_client, user, app_reset_url):
    with mock.patch(
        "accounts.tasks.password_reset_mail_send.apply_async", side_effect=OperationalError("down")
    ):
        response = api_client.post(RESET, {"email": user.email})

    assert response.status_code == 204
    assert len(mail.outbox) == 1


# --- Confirming ---------------------------------------------------------------------------------


def test_confirming_sets_the_new_password(api_client, user, password, app_reset_url):
    link = _reset_link_for(api_client, user)

    response = api_client.post(CONFIRM, {**link, "password": NEW_PASSWORD})

    assert response.status_code == 204
    assert (
        api_client.post(LOGIN, {"email": user.email, "password": NEW_PASSWORD}).status_code == 200
    )
    old = api_client.post(LOGIN, {"email": user.email, "password": password})
    assert_error(old, 401, "invalid_credentials")


def test_confirming_ends_every_earlier_login_even_after_a_cache_flush(
    api_client, user, app_reset_url
):
    phone, laptop = token_pair_issue(user=user), token_pair_issue(user=user)
    link = _reset_link_for(api_client, user)

    api_client.post(CONFIRM, {**link, "password": NEW_PASSWORD})
    cache.clear()

    for pair in (phone, laptop):
        assert_error(api_client.get(ME, **bearer(pair.access)), 401, "token_not_valid")
        refused = api_client.post("/api/v1/auth/token/refresh/", {"refresh": pair.refresh})
        assert_error(refused, 401, "token_not_valid")
        session = LoginSession.objects.get(sid=claims(pair.refresh)["sid"])
        assert session.revoke_reason == "password_reset"


def test_a_reset_leaves_other_accounts_logins_alone(api_client, user, app_reset_url):
    other = token_pair_issue(user=UserFactory())
    link = _reset_link_for(api_client, user)

    api_client.post(CONFIRM, {**link, "password": NEW_PASSWORD})

    assert api_client.get(ME, **bearer(other.access)).status_code == 200


def test_a_link_works_only_once(api_client, user, app_reset_url):
    link = _reset_link_for(api_client, user)
    api_client.post(CONFIRM, {**link, "password": NEW_PASSWORD})

    response = api_client.post(CONFIRM, {**link, "password": "yet-another-long-passphrase"})

    assert_error(response, 400, "invalid_reset_token")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_weak_password_is_refused_and_the_link_still_works(api_client, user, app_reset_url):
    link = _reset_link_for(api_client, user)

    response = api_client.post(CONFIRM, {**link, "password": "1234"})

    assert_error(response, 400, "weak_password", fields=["password"])
    assert api_client.post(CONFIRM, {**link, "password": NEW_PASSWORD}).status_code == 204


def test_a_weak_password_keeps_the_earlier_logins(api_client, user, token_pair, app_reset_url):
    link = _reset_link_for(api_client, user)

    api_client.post(CONFIRM, {**link, "password": "1234"})

    assert api_client.get(ME, **bearer(token_pair.access)).status_code == 200


def test_a_token_of_another_account_is_refused(api_client, user, app_reset_url):
    other = UserFactory()
    mine = _reset_link_for(api_client, user)
    mail.outbox.clear()
    theirs = _reset_link_for(api_client, other)

    response = api_client.post(
        CONFIRM, {"uid": theirs["uid"], "token": mine["token"], "password": NEW_PASSWORD}
    )

    assert_error(response, 400, "invalid_reset_token")


@pytest.mark.parametrize(
    "uid", ["zzzzzzzzzzzzz", "0", "-1", "not base36!", "1" * 13, "99999999999"]
)
def test_a_bad_uid_is_refused_with_400(api_client, user, uid):
    response = api_client.post(CONFIRM, {"uid": uid, "token": "abc-def", "password": NEW_PASSWORD})

    assert_error(response, 400, "invalid_reset_token")


def test_a_bad_token_is_refused_with_400(api_client, user, app_reset_url):
    link = _reset_link_for(api_client, user)

    response = api_client.post(CONFIRM, {**link, "token": "abc-def", "password": NEW_PASSWORD})

    assert_error(response, 400, "invalid_reset_token")


def test_a_deactivated_accounts_link_is_refused(api_client, user, app_reset_url):
    link = _reset_link_for(api_client, user)
    user.is_active = False
    user.save()

    response = api_client.post(CONFIRM, {**link, "password": NEW_PASSWORD})

    assert_error(response, 400, "invalid_reset_token")


def test_confirming_needs_uid_token_and_password(api_client):
    response = api_client.post(CONFIRM, {})

    assert_error(response, 400, "invalid", fields=["uid", "token", "password"])


def test_confirming_is_throttled_per_address(api_client, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"password_reset_confirm": "2/hour"})
    body = {"uid": "1", "token": "abc-def", "password": NEW_PASSWORD}
    for _ in range(2):
        api_client.post(CONFIRM, body)

    assert_error(api_client.post(CONFIRM, body), 429, "throttled")


# --- allauth's own pages end API logins too -----------------------------------------------------


def test_a_reset_on_allauths_page_ends_every_api_login(api_client, client, user, token_pair):
    api_client.post(RESET, {"email": user.email}, HTTP_HOST="testserver")
    url = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    form = client.get(url.group(1))["Location"]

    response = client.post(form, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert_error(api_client.get(ME, **bearer(token_pair.access)), 401, "token_not_valid")
