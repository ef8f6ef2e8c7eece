"""exercises.rules.exercise_problems: each rule with a passing and a failing case.

These are the rules the admin's forms, the publish check and the pack importer all apply. Each
problem is data: a code to branch on, the field it is about, and a message.
"""

import pytest

from exercises.problems import Problem, ProblemCode
from exercises.rules import ExerciseSpec
from exercises.rules import exercise_problems as judged

VALID = {
    "multiple_choice": ExerciseSpec(
        type="multiple_choice",
        prompt='Which one means "hello"?',
        options=(("hola", True), ("adiós", False), ("gracias", False)),
    ),
    "translate": ExerciseSpec(type="translate", prompt="Hola", answers=("Hello", "Hi")),
    "listen_type": ExerciseSpec(type="listen_type", answers=("hola",), has_audio=True),
    "fill_blank": ExerciseSpec(type="fill_blank", prompt="___ días", answers=("Buenos",)),
    "word_bank": ExerciseSpec(
        type="word_bank",
        prompt="Good night",
        tiles=("Buenas", "noches", "días"),
        answers=("Buenas noches",),
    ),
    "match_pairs": ExerciseSpec(
        type="match_pairs", pairs=(("hola", "hello"), ("adiós", "goodbye"))
    ),
}


def exercise_problems(spec: ExerciseSpec) -> list[str]:
    """The messages, for the tests of wording; `test_*_field_and_code` check the rest."""
    return [problem.message for problem in judged(spec)]


def with_(kind: str, **changes) -> ExerciseSpec:
    fields = {name: getattr(VALID[kind], name) for name in ExerciseSpec.__dataclass_fields__}
    return ExerciseSpec(**{**fields, **changes})


@pytest.mark.parametrize("kind", sorted(VALID))
def test_a_well_formed_exercise_of_each_type_has_no_problem(kind):
    assert exercise_problems(VALID[kind]) == []


def test_an_unknown_type_is_a_problem():
    assert exercise_problems(ExerciseSpec(type="essay")) == ["unknown exercise type 'essay'"]


# --- Prompts -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["multiple_choice", "translate", "fill_blank", "word_bank"])
def test_a_prompt_is_needed(kind):
    assert f"{kind} needs a prompt" in exercise_problems(with_(kind, prompt="  "))


@pytest.mark.parametrize("kind", ["match_pairs", "listen_type"])
def test_a_prompt_is_optional(kind):
    assert exercise_problems(with_(kind, prompt="")) == []


# --- Multiple choice -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "count"),
    [
        ((("hola", False), ("adiós", False)), 0),
        ((("hola", True), ("adiós", True)), 2),
    ],
)
def test_multiple_choice_needs_exactly_one_correct_option(options, count):
    problems = exercise_problems(with_("multiple_choice", options=options))

    assert problems == [f"multiple_choice needs exactly one correct option (it has {count})"]


def test_multiple_choice_needs_two_options():
    problems = exercise_problems(with_("multiple_choice", options=(("hola", True),)))

    assert problems == ["multiple_choice needs at least two options"]


def test_multiple_choice_options_differ_after_normalising():
    problems = exercise_problems(
        with_("multiple_choice", options=(("Hola", True), ("¡hola!", False)))
    )

    assert problems == ["multiple_choice has two options with the same text"]


# --- Accepted answers ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["translate", "listen_type", "fill_blank", "word_bank"])
def test_an_accepted_answer_is_needed(kind):
    problems = exercise_problems(with_(kind, answers=()))

    assert f"{kind} needs at least one accepted answer" in problems


def test_an_empty_accepted_answer_is_a_problem():
    problems = exercise_problems(with_("translate", answers=("Hello", " ")))

    assert problems == ["translate has an empty accepted answer"]


def test_the_same_answer_twice_is_a_problem():
    problems = exercise_problems(with_("translate", answers=("Hello!", "hello")))

    assert problems == ["translate lists the same accepted answer twice"]


# --- Word bank -----------------------------------------------------------------------------


def test_word_bank_answers_are_made_of_its_tiles():
    problems = exercise_problems(with_("word_bank", tiles=("Buenas", "días", "tardes")))

    assert problems == ["word_bank answer 'Buenas noches' needs tiles it lacks: noches"]


def test_a_word_used_twice_needs_two_tiles():
    one = with_("word_bank", tiles=("muy", "bien"), answers=("muy muy bien",))
    two = with_("word_bank", tiles=("muy", "muy", "bien"), answers=("muy muy bien",))

    assert exercise_problems(one) == ["word_bank answer 'muy muy bien' needs tiles it lacks: muy"]
    assert exercise_problems(two) == []


def test_a_word_bank_needs_two_tiles():
    problems = exercise_problems(with_("word_bank", tiles=("Hola",), answers=("Hola",)))

    assert problems == ["word_bank needs at least two tiles"]


# --- Match pairs ---------------------------------------------------------------------------


def test_match_pairs_needs_two_pairs():
    problems = exercise_problems(with_("match_pairs", pairs=(("hola", "hello"),)))

    assert problems == ["match_pairs needs at least two pairs"]


def test_match_pairs_sides_are_not_empty():
    problems = exercise_problems(with_("match_pairs", pairs=(("hola", "hello"), ("adiós", " "))))

    assert problems == ["match_pairs needs pairs of two non-empty sides"]


def test_match_pairs_are_pairs():
    problems = exercise_problems(with_("match_pairs", pairs=(("hola", "hello"), ("a", "b", "c"))))

    assert problems == ["match_pairs needs pairs of two non-empty sides"]


@pytest.mark.parametrize(
    ("pairs", "problem"),
    [
        ((("hola", "hello"), ("Hola", "hi")), "match_pairs has the same left side twice"),
        ((("hola", "hi"), ("buenas", "Hi!")), "match_pairs has the same right side twice"),
    ],
)
def test_match_pairs_sides_are_distinct(pairs, problem):
    assert exercise_problems(with_("match_pairs", pairs=pairs)) == [problem]


# --- Listening and blanks ------------------------------------------------------------------


def test_listening_needs_audio():
    problems = exercise_problems(with_("listen_type", has_audio=False))

    assert problems == ["listen_type needs audio"]


@pytest.mark.parametrize("prompt", ["Buenos días", "___ días ___"])
def test_fill_blank_needs_exactly_one_blank(prompt):
    problems = exercise_problems(with_("fill_blank", prompt=prompt))

    assert problems == ["fill_blank needs exactly one blank (___) in its prompt"]


# --- Problems are data ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "code", "field"),
    [
        (ExerciseSpec(type="essay"), ProblemCode.UNKNOWN_TYPE, "type"),
        (with_("translate", prompt=" "), ProblemCode.PROMPT_MISSING, "prompt"),
        (with_("fill_blank", prompt="días"), ProblemCode.BLANK_COUNT, "prompt"),
        (with_("listen_type", has_audio=False), ProblemCode.AUDIO_MISSING, "audio"),
        (with_("translate", answers=()), ProblemCode.ANSWERS_MISSING, "answers"),
        (with_("translate", answers=("a", " ")), ProblemCode.ANSWER_EMPTY, "answers"),
        (with_("translate", answers=("a", "A")), ProblemCode.ANSWER_REPEATED, "answers"),
        (
            with_("multiple_choice", options=(("a", True), ("b", True))),
            ProblemCode.OPTIONS_CORRECT_COUNT,
            "options",
        ),
        (
            with_("multiple_choice", options=(("a", True), ("A", False))),
            ProblemCode.OPTION_REPEATED,
            "options",
        ),
        (with_("word_bank", tiles=("Buenas",)), ProblemCode.TILES_TOO_FEW, "tiles"),
        (with_("word_bank", tiles=("Buenas", "días")), ProblemCode.TILES_LACKING, "tiles"),
        (with_("match_pairs", pairs=(("a", "b"),)), ProblemCode.PAIRS_TOO_FEW, "pairs"),
        (
            with_("match_pairs", pairs=(("a", "b"), ("a", ""))),
            ProblemCode.PAIR_MALFORMED,
            "pairs",
        ),
        (
            with_("match_pairs", pairs=(("a", "b"), ("A", "c"))),
            ProblemCode.PAIR_LEFT_REPEATED,
            "pairs",
        ),
        (
            with_("match_pairs", pairs=(("a", "b"), ("c", "B"))),
            ProblemCode.PAIR_RIGHT_REPEATED,
            "pairs",
        ),
    ],
)
def test_each_problem_carries_its_field_and_code(spec, code, field):
    [problem] = judged(spec)

    assert isinstance(problem, Problem)
    assert (problem.code, problem.field) == (code, field)


def test_a_problem_words_its_type_otherwise_without_parsing_its_message():
    [problem] = judged(with_("word_bank", tiles=("Buenas", "días")))

    assert problem.message == "word_bank answer 'Buenas noches' needs tiles it lacks: noches"
    assert problem.worded({"type": {"word_bank": "Word bank"}}) == (
        "Word bank answer 'Buenas noches' needs tiles it lacks: noches"
    )


def test_a_value_holding_a_percent_sign_is_shown_as_it_is():
    [problem] = judged(with_("word_bank", tiles=("100", "días"), answers=("100 %(type)s",)))

    assert problem.message == "word_bank answer '100 %(type)s' needs tiles it lacks: %(type)s"
