import re
import unicodedata
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    # available_timezones() reads the tz database once per call; it is small and cached by the OS.
    if value not in _timezones():
        raise ValidationError(
            _("“%(value)s” is not a known IANA time zone, such as Europe/Madrid."),
            code="invalid_timezone",
            params={"value": value},
        )


_TIMEZONES: frozenset[str] | None = None


def _timezones() -> frozenset[str]:
    global _TIMEZONES
    if _TIMEZONES is None:
        _TIMEZONES = frozenset(available_timezones())
    return _TIMEZONES


# --- Names shown to other learners -------------------------------------------------------------

# Characters that draw nothing, or nothing but a blank, yet are letters or symbols by category:
# the Hangul fillers, the combining grapheme joiner, the Khmer inherent vowels and the blank
# braille pattern. A name of them looks empty, or like another name with them slipped in.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0\u2800")
# Control (Cc), format (Cf: bidi overrides and isolates, zero-width spaces and joiners, the byte
# order mark, tags), surrogate (Cs), private use (Co), line and paragraph separators (Zl, Zp).
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


def normalize_display_text(value: str) -> str:
    """The stored form of a name: NFC (so one look is one string), every kind of space as a
    plain space, runs of them as one, none at either end."""
    value = unicodedata.normalize("NFC", value)
    spaced = "".join(" " if unicodedata.category(char) == "Zs" else char for char in value)
    return re.sub(" {2,}", " ", spaced).strip(" ")


def refused_in_display_text(char: str) -> bool:
    """Whether `validate_display_text` refuses the character wherever it stands."""
    return char in _INVISIBLE or unicodedata.category(char) in _REFUSED_CATEGORIES


def _describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, '(unnamed)')}"


def validate_display_text(value: str) -> None:
    """Refuses what would let one name pass for another, or draw over its neighbours, where
    learners see each other's names (leaderboards, feeds, profiles): bidi controls, invisible
    and control characters, and names with nothing to see (only marks or blanks).

    For display names and usernames alike; letters, marks and symbols of every script (accents,
    CJK, Arabic, emoji) stay welcome.
    """
    value = unicodedata.normalize("NFC", value)
    for char in value:
        if refused_in_display_text(char):
            raise ValidationError(
                _(
                    "A name cannot contain invisible, control or text-direction characters "
                    "(%(character)s)."
                ),
                code="invalid_character",
                params={"character": _describe(char)},
            )
    visible = [char for char in value if unicodedata.category(char) != "Zs"]
    if all(unicodedata.category(char).startswith("M") for char in visible):
        raise ValidationError(
            _("A name needs at least one letter, digit or symbol."), code="nothing_to_see"
        )
    # A mark with nothing before it to sit on lands on whatever is drawn before the name.
    if unicodedata.category(visible[0]).startswith("M"):
        raise ValidationError(_("A name cannot start with a combining mark."), code="leading_mark")
