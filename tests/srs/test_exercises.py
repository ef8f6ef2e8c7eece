from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from exercises.grading import normalize
from srs import exercises
from srs.exercises import ReviewKind
from srs.models import ReviewCard
from tests.courses.factories import CourseFactory, WordFactory
from tests.srs.factories import ReviewCardFactory

pytestmark = pytest.mark.django_db

DUE_URL = "/api/v1/reviews/due/"


def _due(user, words, *, first_pk=None):
    """Cards due for the words; with `first_pk`, numbered from it, so that the exercise each
    card gets (a hash of its id) is the same on every run and every database."""
    due = timezone.now() - timedelta(hours=1)
    return [
        ReviewCardFactory(
            user=user,
            word=word,
            seen=True,
            due=due,
            **({"pk": first_pk + n} if first_pk is not None else {}),
        )
        for n, word in enumerate(words)
    ]


def _served(auth_client) -> dict[int, dict]:
    body = auth_client.get(DUE_URL, {"limit": 200}).json()
    return {item["card"]: item["exercise"] for item in body["results"]}


def _course_words(count, *, audio_every=0, **kwargs):
    course = CourseFactory()
    return [
        WordFactory(
            course=course,
            text=f"palabra{n}",
            translations=[f"word {n}", f"term {n}"],
            audio=f"words/audio/{n:04d}.mp3" if audio_every and n % audio_every == 0 else "",
            **kwargs,
        )
        for n in range(count)
    ]


def test_exercise_types_vary_from_card_to_card(auth_client, user):
    _due(user, _course_words(24, audio_every=2), first_pk=1)

    served = _served(auth_client)

    assert len(served) == 24
    kinds = Counter(exercise["kind"] for exercise in served.values())
    assert set(kinds) == {"meaning", "recall", "choice", "listen"}, kinds
    types = {exercise["type"] for exercise in served.values()}
    assert types == {"translate", "multiple_choice", "listen_type"}


def test_listen_is_served_only_for_words_with_audio(auth_client, user):
    with_audio = _course_words(30, audio_every=1)
    without_audio = _course_words(30)
    cards = _due(user, with_audio + without_audio, first_pk=1)

    served = _served(auth_client)

    listening = {pk for pk, exercise in served.items() if exercise["type"] == "listen_type"}
    assert listening
    assert listening <= {card.pk for card in cards if card.word.audio}
    for pk in listening:
        card = ReviewCard.objects.get(pk=pk)
        assert served[pk]["audio"] == card.word.audio.url
        assert card.word.text not in served[pk]["prompt"]


def test_choice_distractors_are_other_words_of_the_same_course(auth_client, user):
    words = _course_words(30)
    # A word of the same course meaning the same as palabra0: never a distractor of it.
    WordFactory(course=words[0].course, text="sinónimo", translations=["WORD 0!"])
    other_course = _course_words(30)
    _due(user, words + other_course)

    served = _served(auth_client)

    choices = {pk: ex for pk, ex in served.items() if ex["type"] == "multiple_choice"}
    assert choices
    for pk, exercise in choices.items():
        card = ReviewCard.objects.select_related("word").get(pk=pk)
        course_meanings = {
            w.translations[0] for w in card.word.course.words.all() if w.pk != card.word_id
        }
        texts = [option["text"] for option in exercise["options"]]
        assert exercise["prompt"] == card.word.text
        assert len(texts) == 4
        assert texts.count(card.word.translations[0]) == 1
        distractors = [t for t in texts if t != card.word.translations[0]]
        assert set(distractors) <= course_meanings
        assert all(normalize(t) != normalize(card.word.translations[0]) for t in distractors)
        assert len({normalize(t) for t in texts}) == 4


def test_distractors_come_first_from_the_words_lesson(auth_client, user, monkeypatch):
    monkeypatch.setattr(exercises, "review_kind", lambda card, word: ReviewKind.CHOICE)
    lesson = WordFactory().lesson
    lesson_words = [
        WordFactory(course=lesson.course, lesson=lesson, translations=[f"lesson word {n}"])
        for n in range(8)
    ]
    elsewhere = [WordFactory(course=lesson.course, lesson=None) for _ in range(20)]
    cards = _due(user, lesson_words[:4] + elsewhere)

    served = _served(auth_client)

    lesson_meanings = {w.translations[0] for w in lesson.words.all()}
    for exercise in (served[card.pk] for card in cards[:4]):
        assert exercise["kind"] == "choice"
        assert {option["text"] for option in exercise["options"]} <= lesson_meanings


def test_choices_of_words_that_no_lesson_teaches_draw_on_the_page(auth_client, user, monkeypatch):
    monkeypatch.setattr(exercises, "review_kind", lambda card, word: ReviewKind.CHOICE)
    course = WordFactory().course
    words = [WordFactory(course=course, lesson=None, translations=[f"m{n}"]) for n in range(6)]
    cards = _due(user, words)

    served = _served(auth_client)

    meanings = {w.translations[0] for w in words}
    for card in cards:
        options = {option["text"] for option in served[card.pk]["options"]}
        assert served[card.pk]["kind"] == "choice"
        assert len(options) == 4
        assert options <= meanings


def test_a_choice_without_any_distractor_is_served_as_meaning(auth_client, user):
    word = WordFactory(text="perro", translations=["dog"])
    card = next(
        c
        for c in (ReviewCard(pk=n, reps=0) for n in range(1, 200))
        if exercises.review_kind(c, word) is ReviewKind.CHOICE
    )
    ReviewCardFactory(pk=card.pk, user=user, word=word, due=timezone.now() - timedelta(minutes=1))

    served = _served(auth_client)

    assert served[card.pk] == {
        "type": "translate",
        "kind": "meaning",
        "prompt": "perro",
        "direction": "from_learning",
        "answer_language": "en",
    }
    response = auth_client.post(f"/api/v1/reviews/{card.pk}/answer/", {"answer": {"text": "dog"}})
    assert response.json()["correct"] is True


def test_no_exercise_gives_its_answer_away(auth_client, user):
    cards = _due(user, _course_words(40, audio_every=3))

    served = _served(auth_client)

    for card in cards:
        exercise = served[card.pk]
        flat = repr(exercise)
        kind = exercise["kind"]
        if kind in ("recall", "listen"):
            assert card.word.text not in flat
        if kind == "meaning":
            assert all(t not in flat for t in card.word.translations)
        if kind == "choice":
            assert "term" not in flat  # the second translation
            ids = [option["id"] for option in exercise["options"]]
            assert str(card.word_id) not in ids
            assert "correct" not in flat and "is_correct" not in flat


def test_a_card_is_served_the_same_exercise_until_it_is_reviewed(auth_client, user):
    cards = _due(user, _course_words(20, audio_every=2))

    first, second = _served(auth_client), _served(auth_client)

    assert first == second
    after_a_review = []
    for card in cards:
        card.reps += 1
        after_a_review.append(exercises.review_kind(card, card.word))
    assert after_a_review != [ReviewKind(first[card.pk]["kind"]) for card in cards]


def test_a_word_without_translations_or_audio_is_a_flashcard_rated_by_the_learner(
    auth_client, user
):
    word = WordFactory(text="¡olé!", translations=[])
    card = ReviewCardFactory(user=user, word=word, due=timezone.now() - timedelta(minutes=1))
    url = f"/api/v1/reviews/{card.pk}/answer/"

    served = _served(auth_client)
    answered = auth_client.post(url, {"answer": {"text": "olé"}})
    rated = auth_client.post(url, {"rating": 3})

    assert served[card.pk] == {
        "type": "flashcard",
        "kind": "flashcard",
        "prompt": "¡olé!",
        "answer_language": "es",
    }
    assert answered.status_code == 400
    assert answered.json()["error"]["code"] == "rating_required"
    assert rated.status_code == 200


def test_each_review_exercise_says_which_language_it_is_answered_in(auth_client, user):
    # Meaning and choice ask for the word's meaning (the course's from_language); recall and
    # listen for the word itself (the language being learned).
    words = _course_words(24, audio_every=2)
    _due(user, words, first_pk=1)
    course = words[0].course

    served = _served(auth_client)

    expected = {
        "meaning": course.from_language.code,
        "choice": course.from_language.code,
        "recall": course.learning_language.code,
        "listen": course.learning_language.code,
    }
    assert {e["kind"] for e in served.values()} == set(expected)
    for exercise in served.values():
        assert exercise["answer_language"] == expected[exercise["kind"]], exercise


def _choice_cards_of_one_lesson(user, monkeypatch, count=12):
    monkeypatch.setattr(exercises, "review_kind", lambda card, word: ReviewKind.CHOICE)
    lesson = WordFactory(translations=["lesson word x"]).lesson
    words = [
        WordFactory(course=lesson.course, lesson=lesson, translations=[f"lesson word {n}"])
        for n in range(count)
    ]
    return _due(user, words)


def test_the_right_options_place_follows_a_keyed_hash_not_the_card(
    auth_client, user, monkeypatch, settings
):
    # A client knows each card's id and review count: were the options' order drawn from those
    # alone, it could tell the right one from its place.
    cards = _choice_cards_of_one_lesson(user, monkeypatch)

    def right_places():
        served = _served(auth_client)
        return [
            [option["text"] for option in served[card.pk]["options"]].index(
                card.word.translations[0]
            )
            for card in cards
        ]

    first = right_places()
    settings.SECRET_KEY = "another secret key, long enough to be a real one: " + "x" * 40
    second = right_places()

    assert first != second
    assert len(set(first)) > 1  # not always in the same place either


def test_a_cards_choice_is_the_same_whatever_else_the_page_holds(auth_client, user, monkeypatch):
    cards = _choice_cards_of_one_lesson(user, monkeypatch)
    # Words of no lesson on the page too: the pool the page adds after the lesson's words.
    course = cards[0].word.course
    _due(user, [WordFactory(course=course, lesson=None) for _ in range(6)])

    alone = auth_client.get(DUE_URL, {"limit": 1}).json()["results"]
    with_the_rest = _served(auth_client)

    assert [item["card"] for item in alone] == [cards[0].pk]
    assert alone[0]["exercise"] == with_the_rest[cards[0].pk]
