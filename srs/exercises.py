"""The exercise a review card is served as, built from its word, and the key to grade it.

Which kind of exercise a card gets is a pure function of the card's id and its review count, so
the types vary from card to card and from one review of a card to the next, and the answer
endpoint rebuilds exactly the exercise the learner was shown without storing it or trusting the
client:

- meaning: the word is shown, the learner types a translation (any listed translation counts);
- recall: the translations are shown, the learner types the word;
- choice: the word is shown, the learner picks its translation among translations of other
  words of the same course (of the word's lesson first, then of the other words on the page);
- listen: the word's audio plays, the learner types the word (only for words with audio).

Option ids are keyed hashes of (card, review count, word), opaque to the client, so that the
correct one can be recognised at answer time without knowing the distractors, and cannot be
told apart from the others by the client. A choice that finds no distractor is served as a
meaning exercise; since both ask for the word's meaning, a choice card graded with a typed
`{"text"}` answer is graded as meaning.
"""

import hashlib
import hmac
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, lru_cache
from typing import Any

from django.conf import settings

from config.sql import (
    Select,
    column,
    fields_in_order,
    in_list_padded,
    in_list_size,
    table,
)
from courses.models import Course, Word
from exercises.grading import AnswerKey, ExerciseType, normalize
from srs.models import ReviewCard

CHOICE_OPTIONS = 4  # the answer and up to three distractors
# Most words of the page's lessons read to find distractors. A lesson teaches a dozen words or
# so; the cap only keeps a page cheap should content put thousands of words in one lesson (the
# page's own words then still serve).
DISTRACTOR_POOL_MAX = 2000
_OPTION_SALT = "srs.exercises.option"


class ReviewKind(StrEnum):
    MEANING = "meaning"
    RECALL = "recall"
    CHOICE = "choice"
    LISTEN = "listen"
    # A word with neither translations nor audio can only be rated by the learner.
    FLASHCARD = "flashcard"


_TYPES = {
    ReviewKind.MEANING: ExerciseType.TRANSLATE,
    ReviewKind.RECALL: ExerciseType.TRANSLATE,
    ReviewKind.CHOICE: ExerciseType.MULTIPLE_CHOICE,
    ReviewKind.LISTEN: ExerciseType.LISTEN_TYPE,
}
_DIRECTIONS = {ReviewKind.MEANING: "from_learning", ReviewKind.RECALL: "to_learning"}


@dataclass(frozen=True)
class ReviewExercise:
    kind: ReviewKind
    type: str
    prompt: str
    direction: str | None = None
    audio: str | None = None
    options: list[dict[str, str]] = field(default_factory=list)

    def as_payload(self) -> dict[str, Any]:
        """What the client sees: no solution and nothing that tells the answer apart."""
        payload: dict[str, Any] = {"type": self.type, "kind": self.kind, "prompt": self.prompt}
        if self.direction:
            payload["direction"] = self.direction
        if self.audio:
            payload["audio"] = self.audio
        if self.options:
            payload["options"] = self.options
        return payload


# Whether the learner answers in the language being learned: they type or hear the word itself
# (recall, listen), or give or pick its meaning (meaning, choice). A flashcard is rated, but
# shows the word, so it is said to be in the word's language.
_ANSWERS_IN_LEARNING = {
    ReviewKind.MEANING: False,
    ReviewKind.RECALL: True,
    ReviewKind.CHOICE: False,
    ReviewKind.LISTEN: True,
    ReviewKind.FLASHCARD: True,
}


def answer_language(exercise: ReviewExercise, course: Course) -> str:
    """The language code the learner answers the exercise in; `course` with its languages."""
    if _ANSWERS_IN_LEARNING[exercise.kind]:
        return course.learning_language.code
    return course.from_language.code


def _seed(card: ReviewCard) -> int:
    text = f"{card.pk}:{card.reps}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _translations(word: Word) -> list[str]:
    return _translations_of(word.translations)


def _translations_of(translations) -> list[str]:
    """The usable translations of a word's `translations` value (JSON: anything may be there)."""
    if not isinstance(translations, list):
        return []
    return [text for text in translations if isinstance(text, str) and text.strip()]


def review_kind(card: ReviewCard, word: Word) -> ReviewKind:
    kinds = []
    if _translations(word):
        kinds += [ReviewKind.MEANING, ReviewKind.RECALL, ReviewKind.CHOICE]
    if word.audio:
        kinds.append(ReviewKind.LISTEN)
    if not kinds:
        return ReviewKind.FLASHCARD
    return kinds[_seed(card) % len(kinds)]


def _choice_seed(card: ReviewCard) -> int:
    """The seed of the card's distractor order at this review: keyed, like the option ids, so
    that a client who knows the card's id and review count cannot replay the draw."""
    return int.from_bytes(_keyed(card, "choice")[:8], "big")


def option_id(card: ReviewCard, word_id: int) -> str:
    return _keyed(card, word_id).hex()[:16]


def _keyed(card: ReviewCard, part: object) -> bytes:
    """A keyed hash of (card, review count, `part`): the secret's, unknown to clients."""
    message = f"{card.pk}:{card.reps}:{part}".encode()
    return hmac.digest(_option_key(settings.SECRET_KEY), message, "sha1")


@lru_cache(maxsize=2)
def _option_key(secret: str) -> bytes:
    """The key `django.utils.crypto.salted_hmac(_OPTION_SALT, ...)` derives from the secret,
    derived once rather than for each option of each page (the ids are the same)."""
    return hashlib.sha1((_OPTION_SALT + secret).encode()).digest()


def solution(card: ReviewCard, word: Word) -> str:
    """The canonical answer of the card's exercise, shown once the learner has answered."""
    kind = review_kind(card, word)
    if kind in (ReviewKind.MEANING, ReviewKind.CHOICE):
        return _translations(word)[0]
    return word.text


def answer_key(card: ReviewCard, word: Word, answer: Mapping[str, Any]) -> AnswerKey | None:
    """The key to grade `answer` to the card's exercise; None for a flashcard (rate it instead)."""
    kind = review_kind(card, word)
    if kind is ReviewKind.CHOICE and not (isinstance(answer, Mapping) and "option" in answer):
        kind = ReviewKind.MEANING  # the choice may have been served as meaning (see above)
    translations = _translations(word)
    match kind:
        case ReviewKind.MEANING:
            return AnswerKey(type=ExerciseType.TRANSLATE, answers=tuple(translations))
        case ReviewKind.RECALL:
            return AnswerKey(type=ExerciseType.TRANSLATE, answers=(word.text,))
        case ReviewKind.LISTEN:
            return AnswerKey(type=ExerciseType.LISTEN_TYPE, answers=(word.text,))
        case ReviewKind.CHOICE:
            return AnswerKey(
                type=ExerciseType.MULTIPLE_CHOICE,
                correct_option=option_id(card, word.pk),
                correct_option_text=translations[0],
            )
    return None


def _plain(card: ReviewCard, word: Word, kind: ReviewKind) -> ReviewExercise:
    translations = _translations(word)
    match kind:
        case ReviewKind.MEANING:
            prompt = word.text
        case ReviewKind.RECALL:
            prompt = ", ".join(translations)
        case ReviewKind.LISTEN:
            return ReviewExercise(
                kind=kind, type=_TYPES[kind], prompt="Type what you hear.", audio=word.audio.url
            )
        case _:
            return ReviewExercise(kind=ReviewKind.FLASHCARD, type="flashcard", prompt=word.text)
    return ReviewExercise(kind=kind, type=_TYPES[kind], prompt=prompt, direction=_DIRECTIONS[kind])


def _choice(card: ReviewCard, word: Word, pool: Iterable[tuple[int, list[str]]]) -> ReviewExercise:
    """`pool`: (word id, translations) of the candidates, in the order they are tried."""
    meanings, word_id = _translations(word), word.id
    taken = {_normalized(text) for text in meanings}
    options = [{"id": option_id(card, word_id), "text": meanings[0]}]
    for other_id, translations in pool:
        if other_id == word_id or not translations:
            continue
        text = translations[0]
        if (normalized := _normalized(text)) in taken:
            continue  # a distractor that means the same would be a second right answer
        taken.add(normalized)
        options.append({"id": option_id(card, other_id), "text": text})
        if len(options) == CHOICE_OPTIONS:
            break
    if len(options) == 1:
        return _plain(card, word, ReviewKind.MEANING)
    # In the order of their ids, keyed hashes: the right one's place tells nothing, and it is
    # the same whatever else the page holds.
    options.sort(key=lambda option: option["id"])
    return ReviewExercise(
        kind=ReviewKind.CHOICE,
        type=_TYPES[ReviewKind.CHOICE],
        prompt=word.text,
        options=options,
    )


# A course's meanings recur on every page that offers them as distractors: each is normalised
# once per process rather than once per option tried.
@lru_cache(maxsize=8192)
def _normalized(text: str) -> str:
    return normalize(text)


_SIBLING_FIELDS = fields_in_order(Word, ["id", "lesson", "translations"])


@cache  # one per size of the list (config.sql.in_list_size), a handful
def _lesson_words_select(count: int) -> Select:
    return Select(
        f"SELECT {', '.join(column(Word, name, alias='w') for name in _SIBLING_FIELDS)}"
        f" FROM {table(Word)} w"
        f" WHERE {column(Word, 'lesson', alias='w')} IN ({', '.join(['%s'] * count)})"
        f" ORDER BY {column(Word, 'text', alias='w')}, {column(Word, 'id', alias='w')}"
        f" LIMIT {DISTRACTOR_POOL_MAX}",
        [Word._meta.get_field(name) for name in _SIBLING_FIELDS],
    )


def _lesson_words(lesson_ids: list[int]) -> list[tuple[int, int, list[str]]]:
    """(id, lesson id, translations) of the words the lessons teach, the distractors' pool;
    written out, as the due page runs it on every visit (config/sql.py)."""
    if not lesson_ids:  # words taught by no lesson (imported vocabulary, say)
        return []
    rows = _lesson_words_select(in_list_size(len(lesson_ids))).all(in_list_padded(lesson_ids))
    return [
        (word_id, lesson_id, _translations_of(translations))
        for word_id, lesson_id, translations in rows
    ]


def exercises_build(cards: list[ReviewCard]) -> dict[int, ReviewExercise]:
    """The exercise of each card (its `word` loaded), in one query whatever the number of cards:
    the words of the lessons of the choice cards' words, the pool their distractors come from,
    together with the words of the page itself.

    A choice card tries the words of its word's lesson first (the same topic makes the harder
    distractors), then the other words of the page, each group in an order of its own per card
    and review: one generator, seeded by a keyed hash of the card and review, draws them one
    at a time, rather than a hash per candidate (a third of the page's time when each was
    hashed)."""
    kinds = {card.id: review_kind(card, card.word) for card in cards}
    # lesson id -> (word id, translations); course id -> the same for the words on the page
    lesson_pools: dict[int, list[tuple[int, list[str]]]] = defaultdict(list)
    page_pools: dict[int, list[tuple[int, list[str]]]] = defaultdict(list)
    choice_words = [card.word for card in cards if kinds[card.id] is ReviewKind.CHOICE]
    if choice_words:
        lesson_ids = {word.lesson_id for word in choice_words if word.lesson_id}
        for word_id, lesson_id, translations in _lesson_words(sorted(lesson_ids)):
            lesson_pools[lesson_id].append((word_id, translations))
        seen = set()
        for card in cards:
            word = card.word
            if word.id not in seen:
                seen.add(word.id)
                page_pools[word.course_id].append((word.id, _translations(word)))
        for pool in page_pools.values():
            pool.sort()  # by word id: the same pool whatever order the page lists its cards in
    built = {}
    for card in cards:
        word, kind = card.word, kinds[card.id]
        if kind is not ReviewKind.CHOICE:
            built[card.id] = _plain(card, word, kind)
            continue
        lesson_words = lesson_pools.get(word.lesson_id, []) if word.lesson_id else []
        built[card.id] = _choice(
            card,
            word,
            _candidates(
                random.Random(_choice_seed(card)), lesson_words, page_pools[word.course_id]
            ),
        )
    return built


def _candidates(
    rng: random.Random,
    lesson_words: list[tuple[int, list[str]]],
    page_words: list[tuple[int, list[str]]],
) -> Iterator[tuple[int, list[str]]]:
    """The lesson's words in a random order, then the page's other words in a random order,
    drawn as the choice asks for them: it needs three, not whole pools shuffled (a twentieth of
    the page's time). The lesson's draw never depends on what else the page holds."""
    yield from _drawn(rng, lesson_words)
    in_lesson = {word_id for word_id, _translations in lesson_words}
    yield from _drawn(rng, [pair for pair in page_words if pair[0] not in in_lesson])


def _drawn(rng: random.Random, items: list) -> Iterator:
    """`items` in a uniformly random order, one at a time: a Fisher-Yates shuffle of a copy
    that stops where the caller stops."""
    items = list(items)
    for end in range(len(items) - 1, -1, -1):
        pick = rng.randrange(end + 1)
        items[pick], items[end] = items[end], items[pick]
        yield items[end]
