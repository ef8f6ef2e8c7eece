"""Display names cannot pass for another learner's: no bidi controls, invisible or control
characters, nor names with nothing to see; they are stored in NFC. Every script stays welcome."""

import importlib
import unicodedata

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.validators import normalize_display_text, validate_display_text
from tests.accounts.factories import UserFactory
from tests.accounts.helpers import assert_error

REGISTER = "/api/v1/auth/register/"
ME = "/api/v1/me/"

REFUSED = {
    # Bidi overrides, embeddings and isolates: "Ana\u202eoB" is drawn "AnaBo".
    "LRE": "Ana\u202aBo",
    "RLE": "Ana\u202bBo",
    "PDF": "Ana\u202cBo",
    "LRO": "Ana\u202dBo",
    "RLO": "Ana\u202eoB",
    "LRI": "Ana\u2066Bo",
    "RLI": "Ana\u2067Bo",
    "FSI": "Ana\u2068Bo",
    "PDI": "Ana\u2069Bo",
    "LRM": "Ana\u200e",
    "RLM": "Ana\u200f",
    "ALM": "\u061cAna",
    # Zero-width characters: "An\u200ba" looks exactly like "Ana".
    "ZWSP": "An\u200ba",
    "ZWNJ": "An\u200ca",
    "ZWJ": "An\u200da",
    "word joiner": "An\u2060a",
    "BOM": "\ufeffAna",
    "soft hyphen": "An\u00ada",
    "tag": "Ana\U000e0041",
    # Control characters.
    "NUL": "Ana\x00",
    "bell": "Ana\x07",
    "escape": "\x1b[31mAna",
    "newline": "Ana\nBo",
    "tab": "Ana\tBo",
    "NEL": "Ana\x85Bo",
    "line separator": "Ana\u2028Bo",
    "paragraph separator": "Ana\u2029Bo",
    "private use": "Ana\ue000",
    # Letters and symbols that draw nothing.
    "Hangul filler": "\u3164",
    "Hangul filler in a name": "Ana\u3164",
    "braille blank": "\u2800\u2800",
    "grapheme joiner": "An\u034fa",
    # Nothing to see, or a mark with nothing to sit on.
    "only marks": "\u0301\u0308",
    "a leading mark": "\u0336Ana",
    "only spaces": "\u3000\u00a0 ",
}

WELCOME = [
    "Ana",
    "Tomás R.",
    "José María Núñez",
    "Zoë O'Brien-Smith",
    "Nguyễn Văn An",
    "Ærøskøbing",
    "田中太郎",
    "김민수",
    "محمد علي",
    "שרה כהן",
    "हिन्दी",
    "ภาษาไทย",
    "Пётр",
    "😀",
    "❤️ Ana",
    "👍🏽 Bo",
    "🇪🇸 Lucía",
    "x",
]


@pytest.mark.parametrize("name", REFUSED.values(), ids=REFUSED.keys())
def test_the_validator_refuses(name):
    with pytest.raises(ValidationError):
        validate_display_text(normalize_display_text(name))


@pytest.mark.parametrize("name", WELCOME)
def test_the_validator_welcomes_every_script(name):
    validate_display_text(normalize_display_text(name))
    assert normalize_display_text(name) == unicodedata.normalize("NFC", name)


def test_the_refusal_names_the_character():
    with pytest.raises(ValidationError) as raised:
        validate_display_text("Ana\u202eoB")

    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in raised.value.messages[0]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Jose\u0301", "José"),  # NFD, as some keyboards send it
        ("Ana\u00a0María", "Ana María"),
        ("Ana   María", "Ana María"),
        ("山田\u3000太郎", "山田 太郎"),
        ("\u2003Ana\u2003", "Ana"),
    ],
)
def test_names_are_normalized(given, stored):
    assert normalize_display_text(given) == stored


# --- Through the API ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", REFUSED.values(), ids=REFUSED.keys())
def test_registering_with_a_refused_name_is_400_invalid_on_display_name(api_client, name):
    response = api_client.post(
        REGISTER,
        {"email": "ana@example.com", "password": "a-long-unusual-passphrase", "display_name": name},
        format="json",
    )

    assert_error(response, 400, "invalid", fields=["display_name"])
    assert not User.objects.filter(email="ana@example.com").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Ana\u202eoB", "An\u200ba", "\u0301\u0301", "Ana\x07"])
def test_patching_me_with_a_refused_name_is_400_and_keeps_the_old_one(jwt_client, user, name):
    before = user.display_name

    response = jwt_client.patch(ME, {"display_name": name}, format="json")

    assert_error(response, 400, "invalid", fields=["display_name"])
    user.refresh_from_db()
    assert user.display_name == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", WELCOME)
def test_every_script_can_be_registered(api_client, name):
    response = api_client.post(
        REGISTER,
        {"email": "ana@example.com", "password": "a-long-unusual-passphrase", "display_name": name},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert User.objects.get(email="ana@example.com").display_name == unicodedata.normalize(
        "NFC", name
    )


@pytest.mark.django_db
def test_a_name_sent_decomposed_is_stored_composed(jwt_client, user):
    response = jwt_client.patch(ME, {"display_name": "Jose\u0301\u00a0N\u0303un\u0303ez"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.display_name == "José Ñuñez"
    assert response.json()["display_name"] == "José Ñuñez"


# --- The model, the admin, other doors ---------------------------------------------------------


@pytest.mark.django_db
def test_the_model_refuses_a_refused_name_on_full_clean():
    user = UserFactory.build(display_name="Ana\u2067Bo")

    with pytest.raises(ValidationError) as raised:
        user.full_clean(exclude=["password"])

    assert "display_name" in raised.value.message_dict


@pytest.mark.django_db
def test_a_save_without_validation_still_stores_nfc():
    user = UserFactory(display_name="Jose\u0301")

    assert User.objects.get(pk=user.pk).display_name == "José"


@pytest.mark.django_db
def test_the_admin_refuses_a_refused_name(admin_client):
    user = UserFactory(display_name="Marta")

    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "email": user.email,
            "display_name": "Mar\u200dta",
            "timezone": "UTC",
            "daily_goal_xp": 20,
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert "display_name" in response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.display_name == "Marta"


@pytest.mark.django_db
def test_the_admin_adds_a_user_with_a_composed_name(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new@example.com",
            "display_name": "Zoe\u0308",
            "timezone": "UTC",
            "daily_goal_xp": 20,
            "usable_password": "false",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(email="new@example.com").display_name == "Zoë"


@pytest.mark.django_db
def test_the_migration_cleans_names_saved_before(db):
    migration = importlib.import_module("accounts.migrations.0005_display_name_validator")
    names = {
        "Ana\u202eoB": "AnaoB",
        "An\u200ba": "Ana",
        "\u0301\u0301": "",
        "\u3164": "",
        "\u0336Bo": "Bo",
        "Jose\u0301": "José",
        "محمد": "محمد",
    }
    users = [UserFactory() for _ in names]
    for user, old in zip(users, names, strict=True):
        # As an old row holds it: past the field's normalization on save.
        User.objects.filter(pk=user.pk).update(display_name=old)

    migration.clean_display_names(django_apps, None)

    assert [User.objects.get(pk=user.pk).display_name for user in users] == list(names.values())
