"""Grading a learner's answer: pure functions over plain data, no Django, no database.

`grade(key, answer)` takes an `AnswerKey` (built by callers from a model or a snapshot) and the
answer payload as it arrived from the client, and returns a `Verdict`. A payload of the wrong
shape raises `InvalidAnswer` (a `ValueError`), which the API turns into a 400; an answer that is
merely wrong, or empty, is a wrong verdict. A key that cannot be graded (no accepted answer, no
correct option, no pairs) is a content bug and raises a plain `ValueError`, not `InvalidAnswer`.

Payloads, by exercise type (extra keys are ignored, so clients may send timing data alongside):

- multiple_choice: {"option": <id>}, an int or a str; compared as strings, so 3 and "3" match.
  When the key lists the exercise's option ids, an id that is none of them is malformed
  (`InvalidAnswer`), not a wrong answer: a learner can only pick an option that is shown.
- translate, listen_type, fill_blank, word_bank: {"text": "..."}, at most 500 characters
  (word_bank: the tiles in order, joined by spaces).
- match_pairs: {"pairs": [["<left>", "<right>"], ...]}, at most 20 pairs.

Text is compared after `normalize`:

- Unicode NFKC, so NFC and NFD input match and full-width letters or ligatures (ﬁ) read as the
  plain letters; then case folding, so "ß" and "ss" are the same: "ss" is how Swiss Standard
  German always writes it and how capitals write it (STRASSE), so it is a correct spelling, not
  a mistake, and gets no note.
- Punctuation is ignored: every Unicode punctuation character (¿¡«»“”‘’… and the like) and all
  ASCII punctuation become spaces. Other symbols (€, °) are kept.
- Apostrophes: ’ ‘ ʼ ` ´ ′ all count as ', which is kept only between two letters or digits
  ("I'm", "l'homme", "aujourd'hui") and dropped elsewhere (quotes, "students'"). So "I’m" typed
  on a phone equals "I'm", while "Im" differs from "I'm" by its marks (see below).
- Invisible format characters (zero-width space, soft hyphen) are dropped; runs of whitespace
  count as one space, leading and trailing whitespace is ignored.

An answer equal to any accepted answer is exact. The first accepted answer is the canonical
solution, always shown as `Verdict.solution`; notes name the words of the accepted answer the
learner came closest to. Comparison is word by word, so a missing or extra word is wrong. Short of
exact, a word may be accepted:

- Marks (Match.ACCENT): the same letters with missing, wrong or extra diacritics (adios/adiós,
  ano/año, mude/müde), German umlauts spelled out (muede/müde), a missing or extra apostrophe
  (Im/I'm, jaime/j'aime) or a ligature spelled out (coeur/cœur). Any number of words may differ
  this way; the note names each correct form: `Watch the accent: "adiós".`
- One typo (Match.TYPO): one insertion, deletion, substitution or swap of two adjacent letters,
  in a word of five letters or more (counted without its marks), and at most one typo in the
  whole answer. Marks are free: accent-only differences never count as the typo. A typo that
  spells another word of the exercise (any accepted answer or tile: "tardes" typed where "tarde"
  is expected, when "tardes" is in the answers) is a wrong word, not a slip. The note shows the
  right spelling: `Watch the spelling: "biblioteca".`
- Anything else is wrong (Match.WRONG), with `Correct solution: "..."`.

Word bank answers are compared after the same normalisation but without any tolerance, since the
learner picks tiles rather than typing. Match pairs must be exactly the expected pairs, in any
order, each side compared normalised. Multiple choice compares the option id.
"""

# ruff: noqa: RUF002, RUF003 - quotes, apostrophes and accents are this module's subject.

import string
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

# One enum for the whole project: the models' choices and the grader must never drift apart.
from exercises.types import ExerciseType

__all__ = [
    "MAX_ANSWER_LENGTH",
    "MAX_PAIRS",
    "AnswerKey",
    "ExerciseType",
    "InvalidAnswer",
    "Match",
    "Verdict",
    "grade",
    "normalize",
]

MAX_ANSWER_LENGTH = 500
MAX_PAIRS = 20
TYPO_MIN_LETTERS = 5
MAX_TYPOS = 1  # in the whole answer: two slips in one sentence is not knowing it


class Match(StrEnum):
    EXACT = "exact"
    ACCENT = "accent"
    TYPO = "typo"
    WRONG = "wrong"


class InvalidAnswer(ValueError):
    """The payload does not have the shape the exercise type needs (the API answers 400)."""


@dataclass(frozen=True, slots=True)
class AnswerKey:
    """Everything the grader needs to know about an exercise."""

    type: ExerciseType
    answers: tuple[str, ...] = ()  # translate, listen_type, fill_blank, word_bank
    tiles: tuple[str, ...] = ()  # word_bank
    pairs: tuple[tuple[str, str], ...] = ()  # match_pairs
    correct_option: str | None = None  # multiple_choice: id of the correct option, as str
    correct_option_text: str = ""  # multiple_choice: its text, shown as the solution
    # multiple_choice: the ids of every option shown, as str; None when the caller does not
    # know them (then any other id is merely wrong).
    option_ids: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    correct: bool
    match: Match
    solution: str | list[list[str]]  # canonical answer; match_pairs: the pairs; MC: option text
    feedback: str  # "" when exact; the accent/typo note; for wrong "Correct solution: ..."


def grade(key: AnswerKey, answer: Mapping[str, Any]) -> Verdict:
    """Grade one answer payload against its key; raise InvalidAnswer for a malformed payload."""
    kind = ExerciseType(key.type)
    if not isinstance(answer, Mapping):
        raise InvalidAnswer(f"The answer must be a JSON object, not {_json_type(answer)}.")
    if kind is ExerciseType.MULTIPLE_CHOICE:
        return _grade_choice(key, answer)
    if kind is ExerciseType.MATCH_PAIRS:
        return _grade_pairs(key, answer)
    return _grade_text(key, _text_field(answer), tolerant=kind is not ExerciseType.WORD_BANK)


# Normalisation ----------------------------------------------------------------------------------

# What keyboards and phones produce for an apostrophe. Mapped before NFKC, which would otherwise
# turn ´ into a space plus a combining accent.
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc\u0060\u00b4\u2032\uff07", "'"))


@dataclass(frozen=True, slots=True)
class _Word:
    norm: str  # normalised, as compared
    display: str  # as written in the answer, edge punctuation stripped, for feedback


def normalize(text: str) -> str:
    """The form answers are compared in: NFKC, case-folded, no punctuation, single spaces."""
    return " ".join(word.norm for word in _words(text))


def _words(text: str) -> list[_Word]:
    # Split on whitespace first so that each normalised word remembers how it was written.
    words = []
    for chunk in unicodedata.normalize("NFC", text).split():
        words += [_Word(norm, _strip_punctuation(chunk)) for norm in _normalize_chunk(chunk)]
    return words


def _normalize_chunk(chunk: str) -> list[str]:
    text = unicodedata.normalize("NFKC", chunk.translate(_APOSTROPHES)).casefold()
    # Format characters (zero-width space, soft hyphen) are invisible, so never meant.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    out = []
    for i, ch in enumerate(text):
        if ch == "'":
            inside = 0 < i < len(text) - 1 and _in_word(text[i - 1]) and _in_word(text[i + 1])
            out.append(ch if inside else " ")
        elif _is_punctuation(ch) or ch.isspace() or unicodedata.category(ch) == "Cc":
            out.append(" ")
        else:
            out.append(ch)
    # Case folding can decompose a letter; compose again so equal text is equal strings.
    return unicodedata.normalize("NFC", "".join(out)).split()


def _is_punctuation(ch: str) -> bool:
    return ch in string.punctuation or unicodedata.category(ch).startswith("P")


def _in_word(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def _strip_punctuation(chunk: str) -> str:
    """The chunk without the punctuation around it: "¿Cómo" → "Cómo", "l'homme," → "l'homme"."""
    start, end = 0, len(chunk)
    while start < end and _is_punctuation(chunk[start]):
        start += 1
    while end > start and _is_punctuation(chunk[end - 1]):
        end -= 1
    return chunk[start:end] or chunk


# Marks: diacritics, apostrophes, spelled-out ligatures ------------------------------------------

# Letters that are not a base letter plus a combining mark, but that learners spell out.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
# German may spell umlauts out (müde → muede) when the keyboard has none.
_UMLAUTS_SPELLED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _bare(word: str) -> str:
    """The word's letters alone: no diacritics, no apostrophes, ligatures spelled out."""
    return _strip_accents(word.translate(_LIGATURES)).replace("'", "")


def _mark_difference(typed: str, meant: str) -> str | None:
    """Which note a word needs when only its marks are wrong; None when its letters differ."""
    spellings = {_bare(meant), _bare(meant.translate(_UMLAUTS_SPELLED))}
    if _bare(typed) not in spellings:
        return None
    if any(ch in meant and ch not in typed for ch in "œæ"):
        return "spelling"  # not an accent: cœur is spelled with a ligature
    if typed.replace("'", "") == meant.replace("'", ""):
        return "apostrophe"
    return "accent"


# Typos ------------------------------------------------------------------------------------------


def _one_edit_apart(a: str, b: str) -> bool:
    """True if a and b differ by exactly one insertion, deletion, substitution or adjacent swap.

    Damerau-Levenshtein bounded at 1: a full distance matrix is not needed to answer "is it 1?".
    """
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    if len(a) < len(b):  # one letter inserted in b
        return a[i:] == b[i + 1 :]
    substituted = a[i + 1 :] == b[i + 1 :]
    swapped = a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]
    return substituted or swapped


def _is_typo(typed: str, meant: str, vocabulary: frozenset[str]) -> bool:
    typed, meant = _bare(typed), _bare(meant)
    if sum(ch.isalpha() for ch in meant) < TYPO_MIN_LETTERS:
        return False  # in a short word one letter is too much of the word: casa/cosa/caso
    if typed in vocabulary:
        return False  # another word of this exercise: the learner chose it, it is not a slip
    return _one_edit_apart(typed, meant)


# Text exercises ---------------------------------------------------------------------------------

_RANK = {Match.EXACT: 0, Match.ACCENT: 1, Match.TYPO: 2, Match.WRONG: 3}
_NOTES = {  # kind: (singular, plural), in the order notes are given
    "accent": ("Watch the accent", "Watch the accents"),
    "apostrophe": ("Watch the apostrophe", "Watch the apostrophes"),
    "spelling": ("Watch the spelling", "Watch the spelling"),
}


def _grade_text(key: AnswerKey, text: str, *, tolerant: bool) -> Verdict:
    if not key.answers:
        raise ValueError(f"The answer key for {key.type} has no accepted answer.")
    solution = key.answers[0]
    given = _words(text)
    if not given:
        return _wrong(solution, _quote(solution))
    vocabulary = _vocabulary((*key.answers, *key.tiles))
    best: tuple[Match, list[tuple[str, str]]] = (Match.WRONG, [])
    for accepted in key.answers:
        match, notes = _compare(given, _accepted_words(accepted), vocabulary, tolerant=tolerant)
        if _RANK[match] < _RANK[best[0]]:  # strictly better: the earlier answer wins a tie
            best = (match, notes)
        if match is Match.EXACT:
            break
    match, notes = best
    if match is Match.WRONG:
        return _wrong(solution, _quote(solution))
    return Verdict(correct=True, match=match, solution=solution, feedback=_note_text(notes))


def _compare(
    given: list[_Word], expected: Sequence[_Word], vocabulary: frozenset[str], *, tolerant: bool
) -> tuple[Match, list[tuple[str, str]]]:
    """How `given` matches one accepted answer, with (kind, right form) notes for the feedback."""
    if [w.norm for w in given] == [w.norm for w in expected]:
        return Match.EXACT, []
    if not tolerant or len(given) != len(expected):
        return Match.WRONG, []
    notes: list[tuple[str, str]] = []
    typos = 0
    for typed, meant in zip(given, expected, strict=True):
        if typed.norm == meant.norm:
            continue
        kind = _mark_difference(typed.norm, meant.norm)
        if kind is None and typos < MAX_TYPOS and _is_typo(typed.norm, meant.norm, vocabulary):
            kind, typos = "spelling", typos + 1
        if kind is None:
            return Match.WRONG, []
        notes.append((kind, meant.display))
    return (Match.TYPO if typos else Match.ACCENT), notes


# An exercise's accepted answers and tiles are content, graded against on every answer to it:
# each is split and normalised once per process rather than on every answer (a tenth of an
# answer's time). The learner's own text is not kept.
@lru_cache(maxsize=4096)
def _accepted_words(text: str) -> tuple[_Word, ...]:
    return tuple(_words(text))


@lru_cache(maxsize=1024)
def _vocabulary(texts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_bare(word.norm) for text in texts for word in _accepted_words(text))


def _note_text(notes: list[tuple[str, str]]) -> str:
    sentences = []
    for kind, (singular, plural) in _NOTES.items():
        forms = list(dict.fromkeys(form for k, form in notes if k == kind))  # unique, in order
        if forms:
            label = singular if len(forms) == 1 else plural
            sentences.append(f"{label}: {', '.join(_quote(form) for form in forms)}.")
    return " ".join(sentences)


def _text_field(answer: Mapping[str, Any]) -> str:
    text = _field(answer, "text")
    if not isinstance(text, str):
        raise InvalidAnswer(f'"text" must be a string, not {_json_type(text)}.')
    _check_length(text, '"text"')
    return text


# Multiple choice and match pairs ----------------------------------------------------------------


def _grade_choice(key: AnswerKey, answer: Mapping[str, Any]) -> Verdict:
    if key.correct_option is None:
        raise ValueError("The answer key for multiple_choice has no correct option.")
    option = _field(answer, "option")
    # bool is an int in Python, and True must not read as option "True" or 1.
    if isinstance(option, bool) or not isinstance(option, int | str):
        raise InvalidAnswer(f'"option" must be an option id, not {_json_type(option)}.')
    if isinstance(option, str):
        _check_length(option, '"option"')
    chosen = str(option).strip()
    if key.option_ids is not None and chosen not in key.option_ids:
        shown = chosen if len(chosen) <= 40 else chosen[:40] + "…"
        raise InvalidAnswer(f'"option" {_quote(shown)} is not one of this exercise\'s options.')
    solution = key.correct_option_text
    if chosen == str(key.correct_option).strip():
        return Verdict(correct=True, match=Match.EXACT, solution=solution, feedback="")
    return _wrong(solution, _quote(solution))


def _grade_pairs(key: AnswerKey, answer: Mapping[str, Any]) -> Verdict:
    if not key.pairs:
        raise ValueError("The answer key for match_pairs has no pairs.")
    given = _pairs_field(answer)
    solution = [[left, right] for left, right in key.pairs]
    expected = Counter((normalize(left), normalize(right)) for left, right in key.pairs)
    # A multiset, not a set: a pair sent twice is not the expected set of pairs.
    if Counter((normalize(left), normalize(right)) for left, right in given) == expected:
        return Verdict(correct=True, match=Match.EXACT, solution=solution, feedback="")
    listed = ", ".join(f"{_quote(left)} = {_quote(right)}" for left, right in key.pairs)
    return _wrong(solution, listed)


def _pairs_field(answer: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs = _field(answer, "pairs")
    if not isinstance(pairs, list | tuple):
        raise InvalidAnswer(f'"pairs" must be a list of pairs, not {_json_type(pairs)}.')
    if len(pairs) > MAX_PAIRS:
        raise InvalidAnswer(f'"pairs" may hold at most {MAX_PAIRS} pairs, not {len(pairs)}.')
    checked = []
    for number, pair in enumerate(pairs, start=1):
        is_pair = isinstance(pair, list | tuple) and len(pair) == 2
        if not is_pair or not all(isinstance(side, str) for side in pair):
            raise InvalidAnswer(f"Pair {number} must be a list of two strings.")
        for side in pair:
            _check_length(side, f"Pair {number}")
        checked.append((pair[0], pair[1]))
    return checked


# Shared -----------------------------------------------------------------------------------------


def _field(answer: Mapping[str, Any], name: str) -> Any:
    if name not in answer:
        article = "an" if name[:1] in "aeiou" else "a"
        raise InvalidAnswer(f'The answer needs {article} "{name}" field.')
    return answer[name]


def _check_length(text: str, what: str) -> None:
    if len(text) > MAX_ANSWER_LENGTH:
        raise InvalidAnswer(f"{what} is longer than {MAX_ANSWER_LENGTH} characters.")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _quote(text: str) -> str:
    return f'"{text}"'


def _wrong(solution: str | list[list[str]], shown: str) -> Verdict:
    return Verdict(
        correct=False, match=Match.WRONG, solution=solution, feedback=f"Correct solution: {shown}."
    )
