"""Usernames: the name learners find each other by (API.md, "Accounts").

3 to 30 of `a-z 0-9 _ .`, unique whatever the case (the constraint is on Lower(username)).
`username_suggest` offers one built from the display name or the email; the data migration that
gave existing accounts one uses `username_base` and `username_candidates` too, so it takes
plain strings and a `taken` callable rather than the model.
"""

import re
import secrets
import unicodedata
from collections.abc import Callable, Iterator

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_display_text

USERNAME_MIN_LENGTH = 3
USERNAME_MAX_LENGTH = 30
USERNAME_RE = re.compile(r"^[a-z0-9_.]{3,30}$")
_FALLBACK = "learner"


def username_normalize(value: str) -> str:
    """The stored form: no blanks at either end, lower case (the rule allows nothing else)."""
    return value.strip().lower()


def validate_username(value: str) -> None:
    validate_display_text(value)
    if not USERNAME_RE.fullmatch(value):
        raise ValidationError(
            _("A username is 3 to 30 of the characters a-z, 0-9, _ and . (dot)."),
            code="invalid_username",
        )


def username_base(text: str) -> str:
    """`text` folded to the username alphabet (accents dropped, other characters gone)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    folded = re.sub(r"[\s\-]+", "_", folded)
    folded = re.sub(r"[^a-z0-9_.]", "", folded).strip("._")
    return folded[:USERNAME_MAX_LENGTH]


def username_candidates(*sources: str) -> Iterator[str]:
    """Usernames to try, best first: each source as it folds, then with random digits."""
    bases = [base for base in (username_base(source) for source in sources) if base]
    bases = [base if len(base) >= USERNAME_MIN_LENGTH else f"{base}_{_FALLBACK}" for base in bases]
    bases.append(_FALLBACK)
    yield from bases
    while True:
        base = bases[0][: USERNAME_MAX_LENGTH - 6]
        yield f"{base}{secrets.randbelow(10**6):06d}"


def username_suggest(*sources: str, taken: Callable[[str], bool]) -> str:
    for candidate in username_candidates(*sources):
        if not taken(candidate):
            return candidate
    raise AssertionError("unreachable: candidates never run out")  # pragma: no cover
