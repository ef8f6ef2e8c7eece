"""The grader as a table: one row per answer a learner might send, across languages and types.

Pure functions, no database: runs without Django settings.
"""

# ruff: noqa: RUF001 - full-width letters, curly quotes and apostrophes are what is under test.

import unicodedata

import pytest

from exercises.grading import (
    MAX_ANSWER_LENGTH,
    MAX_PAIRS,
    AnswerKey,
    ExerciseType,
    InvalidAnswer,
    Match,
    Verdict,
    grade,
    normalize,
)
from exercises.types import ExerciseType as ModelExerciseType

EXACT, ACCENT, TYPO, WRONG = Match.EXACT, Match.ACCENT, Match.TYPO, Match.WRONG


def translate(*answers: str, tiles: tuple[str, ...] = ()) -> AnswerKey:
    return AnswerKey(ExerciseType.TRANSLATE, answers=answers, tiles=tiles)


def listen(*answers: str) -> AnswerKey:
    return AnswerKey(ExerciseType.LISTEN_TYPE, answers=answers)


def blank(*answers: str) -> AnswerKey:
    return AnswerKey(ExerciseType.FILL_BLANK, answers=answers)


def word_bank(*answers: str, tiles: tuple[str, ...]) -> AnswerKey:
    return AnswerKey(ExerciseType.WORD_BANK, answers=answers, tiles=tiles)


def pairs_key(*pairs: tuple[str, str]) -> AnswerKey:
    return AnswerKey(ExerciseType.MATCH_PAIRS, pairs=pairs)


def choice(correct: str, text: str) -> AnswerKey:
    return AnswerKey(ExerciseType.MULTIPLE_CHOICE, correct_option=correct, correct_option_text=text)


def shown(correct: str, *others: str) -> AnswerKey:
    """A multiple choice key that knows every option shown: the correct one and `others`."""
    return AnswerKey(
        ExerciseType.MULTIPLE_CHOICE,
        correct_option=correct,
        correct_option_text="la manzana",
        option_ids=frozenset((correct, *others)),
    )


def text(value: str) -> dict[str, str]:
    return {"text": value}


ANIMALS = pairs_key(("el perro", "the dog"), ("el gato", "the cat"), ("el pájaro", "the bird"))
TILES = ("Yo", "como", "una", "manzana", "pan", "bebo")
NFD_ADIOS = unicodedata.normalize("NFD", "adiós")

# (key, answer, correct, match, part of the feedback or None). The feedback of an exact answer
# must be empty; a wrong one must say "Correct solution"; otherwise the given part must appear.
CASES = [
    # Spanish: accents, ñ, ¿¡, spacing, case
    pytest.param(translate("adiós"), text("adiós"), True, EXACT, None, id="es-exact"),
    pytest.param(
        translate("adiós"),
        text("adios"),
        True,
        ACCENT,
        'Watch the accent: "adiós".',
        id="es-missing",
    ),
    pytest.param(translate("adiós"), text("ádios"), True, ACCENT, '"adiós"', id="es-wrong-accent"),
    pytest.param(translate("hola"), text("hóla"), True, ACCENT, '"hola"', id="es-extra-accent"),
    pytest.param(translate("Feliz año"), text("feliz ano"), True, ACCENT, '"año"', id="es-n-tilde"),
    pytest.param(translate("¿Cómo estás?"), text("Cómo estás"), True, EXACT, None, id="es-¿?"),
    pytest.param(translate("¡Hola!"), text("hola"), True, EXACT, None, id="es-¡!"),
    pytest.param(
        translate("¿Cómo estás?"),
        text("como estas?"),
        True,
        ACCENT,
        'Watch the accents: "Cómo", "estás".',
        id="es-two-accents-named",
    ),
    pytest.param(
        translate("Buenas noches"), text("BUENAS NOCHES"), True, EXACT, None, id="es-case"
    ),
    pytest.param(
        translate("Buenas noches"), text("  buenas    noches  "), True, EXACT, None, id="es-spaces"
    ),
    pytest.param(
        translate("Buenas noches"),
        text("\tbuenas\nnoches\n"),
        True,
        EXACT,
        None,
        id="es-tab-newline",
    ),
    pytest.param(
        translate("Voy a la biblioteca"),
        text("voy a la biblioteka"),
        True,
        TYPO,
        'Watch the spelling: "biblioteca".',
        id="es-typo-substitution",
    ),
    pytest.param(
        translate("Voy a la biblioteca"),
        text("voy a la bilbioteca"),
        True,
        TYPO,
        '"biblioteca"',
        id="es-typo-transposition",
    ),
    pytest.param(
        translate("Voy a la biblioteca"),
        text("voy a la bibliteca"),
        True,
        TYPO,
        '"biblioteca"',
        id="es-typo-deletion",
    ),
    pytest.param(
        translate("Voy a la biblioteca"),
        text("voy a la bibliotteca"),
        True,
        TYPO,
        '"biblioteca"',
        id="es-typo-insertion",
    ),
    pytest.param(
        translate("Voy a la biblioteca"),
        text("voy a la bivlioteka"),
        False,
        WRONG,
        None,
        id="es-two-typos-one-word",
    ),
    pytest.param(
        translate("Buenas tardes"),
        text("buenaz tardez"),
        False,
        WRONG,
        None,
        id="es-two-typo-words",
    ),
    pytest.param(translate("el gato"), text("el gako"), False, WRONG, None, id="es-short-typo"),
    pytest.param(
        translate("Llego tarde"),
        text("llego tardes"),
        True,
        TYPO,
        '"tarde"',
        id="es-typo-5-letters",
    ),
    pytest.param(
        translate("Llego tarde", "Llego por las tardes"),
        text("llego tardes"),
        False,
        WRONG,
        None,
        id="es-typo-is-another-answer-word",
    ),
    pytest.param(
        translate("Llego tarde", tiles=("Llego", "tarde", "tardes")),
        text("llego tardes"),
        False,
        WRONG,
        None,
        id="es-typo-is-a-tile",
    ),
    pytest.param(
        translate("mañana"), text("manaña"), True, ACCENT, '"mañana"', id="es-tilde-on-wrong-n"
    ),
    pytest.param(translate("el perro"), text("el gato"), False, WRONG, None, id="es-wrong-word"),
    pytest.param(
        translate("Buenas noches"), text("buenas"), False, WRONG, None, id="es-missing-word"
    ),
    pytest.param(
        translate("Buenos días", "Buen día"), text("buen dia"), True, ACCENT, '"día"', id="es-alt"
    ),
    # French: accents, apostrophes, guillemets, ligatures, ellipsis
    pytest.param(translate("Ça va ?"), text("ca va"), True, ACCENT, '"Ça"', id="fr-cedilla"),
    pytest.param(
        translate("Il a dit « bonjour »."),
        text('il a dit "bonjour"'),
        True,
        EXACT,
        None,
        id="fr-guillemets",
    ),
    pytest.param(
        translate("L'homme"), text("L’homme"), True, EXACT, None, id="fr-curly-apostrophe"
    ),
    pytest.param(
        translate("J'aime le café"),
        text("jaime le café"),
        True,
        ACCENT,
        'Watch the apostrophe: "J\'aime".',
        id="fr-missing-apostrophe",
    ),
    pytest.param(
        translate("le cœur"), text("le coeur"), True, ACCENT, '"cœur"', id="fr-ligature-spelled"
    ),
    pytest.param(translate("Eh bien…"), text("eh bien..."), True, EXACT, None, id="fr-ellipsis"),
    pytest.param(
        translate("J'aime le chocolat"),
        text("j'aime le chocolta"),
        True,
        TYPO,
        '"chocolat"',
        id="fr-typo",
    ),
    pytest.param(
        translate("à la bibliothèque"),
        text("a la bibliotheqeu"),
        True,
        TYPO,
        'Watch the accent: "à". Watch the spelling: "bibliothèque".',
        id="fr-accent-and-typo",
    ),
    pytest.param(
        translate("élève"), text("élevé"), True, ACCENT, '"élève"', id="fr-accent-not-a-typo"
    ),
    pytest.param(translate("le pain"), text("le vin"), False, WRONG, None, id="fr-wrong-word"),
    # German: umlauts, ß, nouns' capitals, long words
    pytest.param(
        translate("Ich bin müde"), text("ich bin mude"), True, ACCENT, '"müde"', id="de-ü"
    ),
    pytest.param(
        translate("Ich bin müde"), text("ich bin muede"), True, ACCENT, '"müde"', id="de-ue-for-ü"
    ),
    pytest.param(translate("die Straße"), text("die Strasse"), True, EXACT, None, id="de-ß-as-ss"),
    pytest.param(translate("die Straße"), text("DIE STRAẞE"), True, EXACT, None, id="de-capital-ß"),
    pytest.param(
        translate("Ich habe einen Hund"),
        text("ich habe einen hund"),
        True,
        EXACT,
        None,
        id="de-noun-case",
    ),
    pytest.param(
        translate("Entschuldigung"),
        text("Entschuldigugn"),
        True,
        TYPO,
        'Watch the spelling: "Entschuldigung".',
        id="de-typo",
    ),
    pytest.param(translate("Handschuh"), text("Hausschuh"), False, WRONG, None, id="de-two-edits"),
    # Portuguese
    pytest.param(translate("Não sei"), text("nao sei"), True, ACCENT, '"Não"', id="pt-til"),
    pytest.param(translate("coração"), text("coracao"), True, ACCENT, '"coração"', id="pt-ç-ã"),
    pytest.param(listen("Muito obrigado"), text("muito obrigafo"), True, TYPO, None, id="pt-typo"),
    pytest.param(translate("a mão"), text("a mãe"), False, WRONG, None, id="pt-short-word"),
    pytest.param(
        translate("Obrigado", "Obrigada"), text("obrigada"), True, EXACT, None, id="pt-alternative"
    ),
    # English answers
    pytest.param(
        translate("Good morning!"), text("good morning"), True, EXACT, None, id="en-punct"
    ),
    pytest.param(
        translate("a beautiful house"), text("a beatiful house"), True, TYPO, None, id="en-typo"
    ),
    pytest.param(
        translate("I'm tired"),
        text("Im tired"),
        True,
        ACCENT,
        'Watch the apostrophe: "I\'m".',
        id="en-apostrophe",
    ),
    pytest.param(
        translate("I'm tired"), text("I’m tired."), True, EXACT, None, id="en-phone-quote"
    ),
    pytest.param(translate("the cat"), text("the dog"), False, WRONG, None, id="en-wrong-word"),
    pytest.param(
        translate("It's (very) cold; isn't it?"),
        text("it's very cold isn't it"),
        True,
        EXACT,
        None,
        id="en-ascii-punct",
    ),
    # Unicode forms
    pytest.param(translate("adiós"), text(NFD_ADIOS), True, EXACT, None, id="nfd-input"),
    pytest.param(translate(NFD_ADIOS), text("adiós"), True, EXACT, None, id="nfd-answer"),
    pytest.param(translate("hola"), text("ＨＯＬＡ"), True, EXACT, None, id="full-width"),
    pytest.param(translate("el fin"), text("el ﬁn"), True, EXACT, None, id="ligature-fi"),
    pytest.param(
        translate("Buenas noches"), text("buenas\u00a0noches"), True, EXACT, None, id="nbsp"
    ),
    pytest.param(
        translate("la biblioteca"), text("la bi\u00adblio\u200bteca"), True, EXACT, None, id="soft"
    ),
    # Empty answers
    pytest.param(translate("hola"), text(""), False, WRONG, None, id="empty"),
    pytest.param(translate("hola"), text("   \n "), False, WRONG, None, id="blank"),
    pytest.param(translate("hola"), text("¿?¡!…"), False, WRONG, None, id="only-punctuation"),
    # Other text types grade like translate
    pytest.param(blank("está"), text("esta"), True, ACCENT, '"está"', id="fill-blank-accent"),
    pytest.param(listen("Bom dia"), text("bom dia"), True, EXACT, None, id="listen-exact"),
    # Word bank: tiles in order, normalised, no tolerance
    pytest.param(
        word_bank("Yo como una manzana", tiles=TILES),
        text("Yo como una manzana"),
        True,
        EXACT,
        None,
        id="wb-right",
    ),
    pytest.param(
        word_bank("Yo como una manzana", tiles=TILES),
        text("yo  como una manzana "),
        True,
        EXACT,
        None,
        id="wb-spacing-case",
    ),
    pytest.param(
        word_bank("Yo como una manzana", tiles=TILES),
        text("Una manzana como yo"),
        False,
        WRONG,
        None,
        id="wb-order-matters",
    ),
    pytest.param(
        word_bank("Nosotros escribimos", tiles=("Nosotros", "escribimos", "leemos")),
        text("Nosotros escribimo"),
        False,
        WRONG,
        None,
        id="wb-no-typos",
    ),
    pytest.param(
        word_bank("Él come", tiles=("Él", "El", "come")),
        text("El come"),
        False,
        WRONG,
        None,
        id="wb-no-accent-tolerance",
    ),
    # Match pairs
    pytest.param(
        ANIMALS,
        {"pairs": [["el perro", "the dog"], ["el gato", "the cat"], ["el pájaro", "the bird"]]},
        True,
        EXACT,
        None,
        id="pairs-right",
    ),
    pytest.param(
        ANIMALS,
        {"pairs": [["El pájaro", "The bird."], ["el perro", "the dog"], ["el gato", "the  cat"]]},
        True,
        EXACT,
        None,
        id="pairs-reordered-normalised",
    ),
    pytest.param(
        ANIMALS,
        {"pairs": [["el perro", "the cat"], ["el gato", "the dog"], ["el pájaro", "the bird"]]},
        False,
        WRONG,
        None,
        id="pairs-one-swap",
    ),
    pytest.param(
        ANIMALS,
        {"pairs": [["el perro", "the dog"], ["el gato", "the cat"]]},
        False,
        WRONG,
        None,
        id="pairs-missing",
    ),
    pytest.param(
        ANIMALS,
        {
            "pairs": [
                ["el perro", "the dog"],
                ["el gato", "the cat"],
                ["el pájaro", "the bird"],
                ["el gato", "the cat"],
            ]
        },
        False,
        WRONG,
        None,
        id="pairs-duplicate",
    ),
    pytest.param(ANIMALS, {"pairs": []}, False, WRONG, None, id="pairs-empty"),
    # Multiple choice
    pytest.param(choice("3", "la manzana"), {"option": 3}, True, EXACT, None, id="mc-int-id"),
    pytest.param(choice("3", "la manzana"), {"option": "3"}, True, EXACT, None, id="mc-str-id"),
    pytest.param(choice("3", "la manzana"), {"option": 4}, False, WRONG, None, id="mc-wrong"),
    pytest.param(
        choice("3", "la manzana"),
        {"option": "3", "elapsed_ms": 1200},
        True,
        EXACT,
        None,
        id="mc-extra-keys-ignored",
    ),
]


@pytest.mark.parametrize(("key", "answer", "correct", "match", "feedback"), CASES)
def test_grade(key, answer, correct, match, feedback):
    verdict = grade(key, answer)

    assert verdict.correct is correct
    assert verdict.match is match
    if match is EXACT:
        assert verdict.feedback == ""
    elif match is WRONG:
        assert verdict.feedback.startswith("Correct solution: ")
    if feedback is not None:
        assert feedback in verdict.feedback


def test_the_table_is_large_enough():
    assert len(CASES) >= 45


@pytest.mark.parametrize(
    ("answer", "match"),
    [("Buen día", EXACT), ("buen dia", ACCENT), ("buen perro", WRONG), ("", WRONG)],
)
def test_the_canonical_solution_is_the_first_answer_whatever_matched(answer, match):
    verdict = grade(translate("Buenos días", "Buen día"), text(answer))

    assert verdict.match is match
    assert verdict.solution == "Buenos días"


def test_notes_name_the_alternative_the_learner_was_closest_to():
    verdict = grade(translate("Buenos días", "Buen día"), text("buen dia"))

    assert verdict.feedback == 'Watch the accent: "día".'


def test_a_wrong_answer_shows_the_canonical_solution():
    verdict = grade(translate("¿Cómo estás?", "¿Qué tal?"), text("hola"))

    assert verdict == Verdict(False, WRONG, "¿Cómo estás?", 'Correct solution: "¿Cómo estás?".')


def test_a_typo_that_is_another_alternative_is_simply_that_alternative():
    verdict = grade(blank("tarde", "tardes"), text("tardes"))

    assert verdict.match is EXACT


@pytest.mark.parametrize(("answer", "correct"), [(1, True), ("1", True), (" 2 ", False)])
def test_multiple_choice_grades_the_options_shown(answer, correct):
    assert grade(shown("1", "2"), {"option": answer}).correct is correct


def test_multiple_choice_solution_is_the_option_text():
    assert grade(choice("7", "la manzana"), {"option": 8}) == Verdict(
        False, WRONG, "la manzana", 'Correct solution: "la manzana".'
    )
    assert grade(choice("7", "la manzana"), {"option": 7}).solution == "la manzana"


def test_match_pairs_solution_is_the_pairs():
    verdict = grade(ANIMALS, {"pairs": [["el perro", "the dog"]]})

    assert verdict.solution == [
        ["el perro", "the dog"],
        ["el gato", "the cat"],
        ["el pájaro", "the bird"],
    ]
    assert '"el gato" = "the cat"' in verdict.feedback


def test_an_answer_of_exactly_the_maximum_length_is_graded():
    verdict = grade(translate("hola"), text("a" * MAX_ANSWER_LENGTH))

    assert verdict.match is WRONG


def test_key_type_may_be_the_stored_string():
    key = AnswerKey("translate", answers=("hola",))  # type: ignore[arg-type]

    assert grade(key, text("Hola")).match is EXACT


def test_one_exercise_type_enum_for_models_and_grader():
    assert ExerciseType is ModelExerciseType


TOO_LONG = "a" * (MAX_ANSWER_LENGTH + 1)
TOO_MANY = {"pairs": [[f"l{i}", f"r{i}"] for i in range(MAX_PAIRS + 1)]}


@pytest.mark.parametrize(
    ("key", "answer", "message"),
    [
        pytest.param(translate("hola"), ["hola"], "JSON object", id="not-an-object"),
        pytest.param(translate("hola"), "hola", "JSON object", id="a-string"),
        pytest.param(translate("hola"), None, "JSON object", id="null"),
        pytest.param(translate("hola"), {}, 'needs a "text" field', id="text-missing"),
        pytest.param(translate("hola"), {"option": 1}, '"text" field', id="wrong-field"),
        pytest.param(translate("hola"), {"text": 5}, "a number", id="text-number"),
        pytest.param(translate("hola"), {"text": None}, "null", id="text-null"),
        pytest.param(translate("hola"), {"text": ["hola"]}, "a list", id="text-list"),
        pytest.param(translate("hola"), text(TOO_LONG), "longer than 500", id="text-too-long"),
        pytest.param(word_bank("a b", tiles=("a", "b")), text(TOO_LONG), "500", id="wb-too-long"),
        pytest.param(choice("1", "x"), {}, 'needs an "option" field', id="option-missing"),
        pytest.param(shown("1", "2"), {"option": 3}, '"3" is not one of', id="option-not-shown"),
        pytest.param(shown("1", "2"), {"option": "12"}, "not one of", id="option-not-shown-str"),
        pytest.param(shown("1", "2"), {"option": ""}, "not one of", id="option-empty"),
        pytest.param(choice("1", "x"), {"option": True}, "a boolean", id="option-bool"),
        pytest.param(choice("1", "x"), {"option": 1.0}, "a number", id="option-float"),
        pytest.param(choice("1", "x"), {"option": None}, "null", id="option-null"),
        pytest.param(choice("1", "x"), {"option": [1]}, "a list", id="option-list"),
        pytest.param(choice("1", "x"), {"option": TOO_LONG}, "500", id="option-too-long"),
        pytest.param(ANIMALS, {}, '"pairs" field', id="pairs-missing"),
        pytest.param(ANIMALS, {"pairs": "el perro=the dog"}, "list of pairs", id="pairs-string"),
        pytest.param(ANIMALS, {"pairs": {"el perro": "the dog"}}, "an object", id="pairs-object"),
        pytest.param(ANIMALS, {"pairs": [["el perro"]]}, "Pair 1", id="pair-of-one"),
        pytest.param(ANIMALS, {"pairs": [["a", "b", "c"]]}, "Pair 1", id="pair-of-three"),
        pytest.param(ANIMALS, {"pairs": [["a", "b"], "ab"]}, "Pair 2", id="pair-a-string"),
        pytest.param(ANIMALS, {"pairs": [["a", 1]]}, "two strings", id="pair-side-number"),
        pytest.param(ANIMALS, {"pairs": [["a", TOO_LONG]]}, "500", id="pair-side-too-long"),
        pytest.param(ANIMALS, TOO_MANY, "at most 20", id="too-many-pairs"),
    ],
)
def test_malformed_payloads_raise_invalid_answer(key, answer, message):
    with pytest.raises(InvalidAnswer, match=message):
        grade(key, answer)


def test_invalid_answer_is_a_value_error():
    assert issubclass(InvalidAnswer, ValueError)


@pytest.mark.parametrize(
    "key",
    [
        translate(),
        AnswerKey(ExerciseType.MULTIPLE_CHOICE, correct_option_text="x"),
        AnswerKey(ExerciseType.MATCH_PAIRS),
    ],
    ids=["no-answers", "no-correct-option", "no-pairs"],
)
def test_a_key_that_cannot_be_graded_is_a_content_bug_not_a_bad_answer(key):
    answer = {"text": "hola", "option": "1", "pairs": []}

    with pytest.raises(ValueError, match="answer key") as raised:
        grade(key, answer)
    assert not isinstance(raised.value, InvalidAnswer)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("  ¿Cómo   ESTÁS?  ", "cómo estás"),
        ("«Bonjour», dit-il…", "bonjour dit il"),
        ("I’m", "i'm"),
        ("I´m", "i'm"),
        ("'quoted' students'", "quoted students"),
        ("Straße", "strasse"),
        ("ＨＯＬＡ", "hola"),
        (NFD_ADIOS, "adiós"),
        ("", ""),
    ],
)
def test_normalize(raw, normalised):
    assert normalize(raw) == normalised
    assert unicodedata.is_normalized("NFC", normalize(raw))
