"""Signing in to the web client with the TOTP step, a reload that keeps the learner signed in
(the refresh token, rotated), signing out, and asking for a password reset."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core import mail

from accounts.mfa import totp_is_enabled
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
STORED_REFRESH = "() => window.sessionStorage.getItem('lingua.refresh')"


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_learner_with_totp_signs_in_in_two_steps_stays_in_on_reload_and_signs_out(
    asgi_live_server, page, password
):
    user = UserFactory(password=password, display_name="Ana")
    TOTP.activate(user, SECRET)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{asgi_live_server.url}/learn/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Two-step sign-in").wait_for()
    page.get_by_label("Code").fill("000000" if totp_code(SECRET) != "000000" else "111111")
    page.keyboard.press("Enter")
    page.get_by_role("alert").wait_for()
    page.get_by_label("Code").fill(totp_code(SECRET))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your courses").wait_for()

    # The access token was in memory only: the reload refreshes it with the stored refresh token.
    stored = page.evaluate(STORED_REFRESH)
    assert stored
    page.reload()
    page.get_by_role("heading", name="Your courses").wait_for()
    rotated = page.evaluate(STORED_REFRESH)
    assert rotated and rotated != stored

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    assert page.evaluate(STORED_REFRESH) is None
    # Back and reload: still signed out.
    page.goto(f"{asgi_live_server.url}/learn/#/")
    page.get_by_role("heading", name="Sign in").wait_for()
    assert errors == []


def test_a_learner_resets_their_password_through_the_mailed_link(asgi_live_server, page, settings):
    # The mailed link lands in the web client (README: PASSWORD_RESET_URL).
    settings.PASSWORD_RESET_URL = (
        f"{asgi_live_server.url}/learn/#/reset/confirm?uid={{uid}}&token={{token}}"
    )
    user = UserFactory()
    page.goto(f"{asgi_live_server.url}/learn/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(user.email)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Check your email").wait_for()
    assert [message.to for message in mail.outbox] == [[user.email]]
    link = re.search(r"http://\S+/learn/#/reset/confirm\?\S+", mail.outbox[0].body).group(0)

    page.goto(link)
    page.get_by_label("New password").fill("a-brand-new-pass-phrase")
    page.keyboard.press("Enter")
    page.get_by_text("Your password is changed: sign in with it.").first.wait_for()
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("a-brand-new-pass-phrase")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your courses").wait_for()


def test_a_learner_sets_a_daily_goal_and_turns_two_step_sign_in_on(
    asgi_live_server, page, password
):
    user = UserFactory(password=password, display_name="Ana")
    page.goto(f"{asgi_live_server.url}/learn/#/account")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Account").wait_for()

    page.get_by_label("Daily goal").select_option("30")
    page.get_by_role("button", name="Save").click()
    page.locator("#main").get_by_text("Saved.", exact=True).wait_for()
    user.refresh_from_db()
    assert user.daily_goal_xp == 30

    page.get_by_role("button", name="Turn on two-step sign-in").click()
    secret = page.locator(".secret").inner_text()
    page.get_by_label("The 6-digit code your app shows").fill(totp_code(secret))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Two-step sign-in is on").wait_for()
    assert page.locator(".codes li").count() == 10
    assert totp_is_enabled(user=user)
