"""A problem found by a content rule, as data: what (`code`), where (`field`), and in words.

Callers branch on `code` and put the message beside `field` (the admin's form field, a pack's
exercise member); nothing reads the sentence back to learn where it belongs.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class ProblemCode(StrEnum):
    """What an exercise rule found wrong (stable strings: callers and tests branch on them)."""

    UNKNOWN_TYPE = "unknown_type"
    PROMPT_MISSING = "prompt_missing"
    BLANK_COUNT = "blank_count"
    AUDIO_MISSING = "audio_missing"
    ANSWERS_MISSING = "answers_missing"
    ANSWER_EMPTY = "answer_empty"
    ANSWER_REPEATED = "answer_repeated"
    OPTIONS_TOO_FEW = "options_too_few"
    OPTIONS_CORRECT_COUNT = "options_correct_count"
    OPTION_REPEATED = "option_repeated"
    TILES_TOO_FEW = "tiles_too_few"
    TILES_LACKING = "tiles_lacking"
    PAIRS_TOO_FEW = "pairs_too_few"
    PAIR_MALFORMED = "pair_malformed"
    PAIR_LEFT_REPEATED = "pair_left_repeated"
    PAIR_RIGHT_REPEATED = "pair_right_repeated"
    FIELD_UNUSED = "field_unused"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a piece of content.

    `message` is `template % params`, like Django's `ValidationError`: the parameters stay
    apart so a caller may word one of them otherwise (the admin names an exercise type by its
    label, "Word bank", where a pack says `word_bank`) without taking the sentence apart.
    """

    code: str
    field: str | None
    template: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def message(self) -> str:
        return self.template % dict(self.params)

    def worded(self, names: Mapping[str, Mapping[str, str]]) -> str:
        """The message with parameters renamed: `names` maps a parameter to {value: word}."""
        params = {key: names.get(key, {}).get(value, value) for key, value in self.params}
        return self.template % params

    def __str__(self) -> str:
        return self.message
