"""The site's pages for people: signing up gives a usable account, mails name the platform, the
sign-in pages wear the site's layout, and signing in lands on the page for one's role."""

from pathlib import Path

import pytest
from allauth.account.signals import user_signed_up
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.contrib.staticfiles import finders
from django.core import mail
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGN_UP = "/accounts/signup/"
SIGN_IN = "/accounts/login/"
TEACH = "/teach/"


def sign_up(client, **fields):
    data = {
        "email": "ana@example.org",
        "display_name": "Ana",
        "password1": "a-long-passphrase-42",
        "password2": "a-long-passphrase-42",
    } | fields
    return client.post(SIGN_UP, data)


def sign_in(client, user, password):
    return client.post(SIGN_IN, {"login": user.email, "password": password}, follow=True)


# --- Signing up ---------------------------------------------------------------------------------


def test_signing_up_on_the_site_gives_an_account_with_its_display_name(client):
    response = sign_up(client, display_name="  Ana   María ")

    assert response.status_code == 302
    user = get_user_model().objects.get(email="ana@example.org")
    assert user.display_name == "Ana María"


def test_the_account_made_on_the_site_is_usable_through_the_api(client):
    sign_up(client)
    api = APIClient()
    token = api.post(
        "/api/v1/auth/token/",
        {"email": "ana@example.org", "password": "a-long-passphrase-42"},
        format="json",
    ).json()["access"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    me = api.get("/api/v1/me/").json()
    assert me["display_name"] == "Ana"
    # A profile update sends the name back as it is: it must pass the API's own rules.
    assert api.patch("/api/v1/me/", {"display_name": me["display_name"]}).status_code == 200


@pytest.mark.parametrize(
    ("display_name", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("Ana\u202egnirts", "invisible, control or text-direction characters"),
        ("x" * 81, "at most 80 characters"),
    ],
)
def test_signing_up_refuses_a_display_name_the_api_refuses(client, display_name, message):
    response = sign_up(client, display_name=display_name)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not get_user_model().objects.exists()


def test_an_account_signed_up_on_the_site_without_a_name_gets_one():
    user = UserFactory(email="ana.g@example.org", display_name="")

    user_signed_up.send(sender=type(user), request=None, user=user)

    user.refresh_from_db()
    assert user.display_name == "ana.g"


def test_a_social_sign_up_on_the_site_takes_the_providers_name():
    user = UserFactory(email="ana.g@example.org", display_name="")
    sociallogin = SocialLogin(
        user=user, account=SocialAccount(provider="google", extra_data={"name": "Ana Gómez"})
    )

    user_signed_up.send(sender=type(user), request=None, user=user, sociallogin=sociallogin)

    user.refresh_from_db()
    assert user.display_name == "Ana Gómez"


# --- Mails name the platform --------------------------------------------------------------------


def test_the_site_is_named_after_the_platform(settings):
    site = Site.objects.get(pk=settings.SITE_ID)

    assert (site.name, site.domain) == ("Lingua", settings.SITE_DOMAIN)


def test_the_sign_up_mail_names_lingua_not_example_com(client):
    sign_up(client)

    [message] = mail.outbox
    assert message.to == ["ana@example.org"]
    assert "Lingua" in message.subject
    assert "Lingua" in message.body
    assert "example.com" not in message.subject + message.body


def test_the_password_reset_mail_of_the_site_names_lingua(client):
    UserFactory(email="ana@example.org")

    client.post("/accounts/password/reset/", {"email": "ana@example.org"})

    [message] = mail.outbox
    assert "Lingua" in message.subject
    assert "example.com" not in message.subject + message.body


# --- The sign-in pages wear the site's layout ---------------------------------------------------


@pytest.mark.parametrize("path", [SIGN_IN, SIGN_UP, "/accounts/password/reset/", "/"])
def test_the_sign_in_pages_have_the_sites_layout_and_stylesheet(client, path):
    response = client.get(path)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<link rel="stylesheet" href="/static/lingua/site.css">' in page
    assert '<header class="site-header">' in page
    assert "· Lingua</title>" in page


def test_the_sites_stylesheet_is_one_of_our_static_files():
    found = finders.find("lingua/site.css")

    assert found is not None
    assert ".site-header" in Path(found).read_text()


# --- Landing after signing in -------------------------------------------------------------------


def test_a_teacher_who_signs_in_lands_on_the_teacher_page(client, password):
    teacher = UserFactory(password=password)
    teacher.groups.add(Group.objects.get(name="teachers"))

    response = sign_in(client, teacher, password)

    assert response.redirect_chain[-1] == (TEACH, 302)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your classes" in page
    assert "/teach/classrooms/new/" in page
    assert "/api/docs/" in page


def test_an_editor_who_signs_in_lands_in_the_admin(client, password):
    editor = UserFactory(password=password, is_staff=True)
    editor.groups.add(Group.objects.get(name="editors"))

    response = sign_in(client, editor, password)

    assert response.redirect_chain[-1] == ("/admin/", 302)
    assert response.status_code == 200


def test_a_learner_who_signs_in_lands_on_the_home_page_with_api_pointers(client, password):
    learner = UserFactory(password=password)

    response = sign_in(client, learner, password)

    assert response.redirect_chain[-1] == ("/", 302)
    assert "POST /api/v1/auth/token/" in response.content.decode()


def test_the_teacher_page_is_for_teachers(client):
    client.force_login(UserFactory())

    assert client.get(TEACH).status_code == 403


def test_the_teacher_page_asks_a_stranger_to_sign_in(client):
    response = client.get(TEACH)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{SIGN_IN}?next=")
