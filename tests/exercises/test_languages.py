"""`answer_language`: which language the learner answers an exercise in, when the pack or the
editor does not say (exercises.languages)."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from exercises.languages import CourseLanguages, answer_language_default

DEMO_PACK = Path(settings.BASE_DIR) / "courses" / "demo" / "es-from-en" / "pack.json"
ES_EN = CourseLanguages(learning="es", source="en")
# Marks only Spanish is written with, and words only English sentences have.
SPANISH_MARKS = set("¿¡ñáéíóú")
ENGLISH_WORDS = {"the", "you", "i", "is", "are", "my", "we", "they", "she", "he", "it"}


def _answer_text(exercise: dict) -> str:
    if exercise["type"] == "multiple_choice":
        return " / ".join(option["text"] for option in exercise["options"])
    if exercise["type"] == "word_bank":
        return " ".join([exercise["answers"][0], *exercise["tiles"]])
    return (exercise.get("answers") or [""])[0]


def _default(exercise: dict) -> str:
    return answer_language_default(
        type=exercise["type"],
        prompt=exercise.get("prompt", ""),
        answer=_answer_text(exercise),
        words=exercise.get("words", []),
        languages=ES_EN,
    )


def _demo_exercises() -> dict[tuple[str, str], dict]:
    course = json.loads(DEMO_PACK.read_text(encoding="utf-8"))["course"]
    return {
        (lesson["slug"], exercise["key"]): exercise
        for section in course["sections"]
        for unit in section["units"]
        for lesson in unit["lessons"]
        for exercise in lesson["exercises"]
    }


@pytest.mark.parametrize(
    ("lesson", "key", "language"),
    [
        ("greetings-1", "mc-1", "es"),  # Which one means “hello”? (Spanish options)
        ("greetings-1", "mc-3", "en"),  # What does “adiós” mean? (English options)
        ("greetings-1", "tr-1", "en"),  # Buenas noches. → Good night
        ("greetings-1", "tr-3", "es"),  # See you later! → ¡Hasta luego!
        ("greetings-1", "lt-1", "es"),
        ("greetings-1", "fb-1", "es"),
        ("greetings-1", "wb-1", "es"),  # Good afternoon → Buenas tardes
        ("greetings-3", "wb-2", "en"),  # Sí, por favor. → Yes please (English tiles)
        ("greetings-1", "mp-1", "es"),
        ("time-3", "tr-4", "es"),  # She is going to Mexico. → Ella va a México
        ("time-3", "tr-1", "en"),  # ¿Adónde vas? → Where are you going?
    ],
)
def test_demo_exercises_get_the_language_their_answers_are_in(lesson, key, language):
    assert _default(_demo_exercises()[(lesson, key)]) == language


def test_every_demo_answer_that_is_plainly_spanish_or_english_gets_that_language():
    checked = 0
    for exercise in _demo_exercises().values():
        if exercise["type"] not in ("translate", "word_bank", "multiple_choice"):
            continue
        if exercise["type"] == "multiple_choice":
            answer = next(o["text"] for o in exercise["options"] if o.get("correct"))
        else:
            answer = exercise["answers"][0]
        tokens = set(re.findall(r"\w+", answer.casefold()))
        spanish = bool(SPANISH_MARKS & set(answer.casefold()))
        english = bool(ENGLISH_WORDS & tokens)
        if spanish == english:
            continue  # neither, or both: nothing plain to compare with
        assert _default(exercise) == ("es" if spanish else "en"), exercise
        checked += 1
    assert checked > 100


def test_listening_filling_and_pairing_are_answered_in_the_language_learned():
    for kind in ("listen_type", "fill_blank", "match_pairs"):
        language = answer_language_default(
            type=kind, prompt="hello", answer="hello", words=["hello"], languages=ES_EN
        )
        assert language == "es"


def test_an_exercise_without_words_is_answered_in_the_language_learned():
    language = answer_language_default(
        type="translate", prompt="Good morning", answer="Buenos días", words=[], languages=ES_EN
    )
    assert language == "es"
