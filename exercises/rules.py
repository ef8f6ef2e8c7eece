"""What makes an exercise well formed, as pure functions over plain data.

The admin, the course-pack importer and the publish check all ask these same functions, so an
exercise is judged by one set of rules wherever it comes from.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from exercises.grading import ExerciseType, normalize
from exercises.problems import Problem, ProblemCode

BLANK = "___"

# The solution fields each type reads; any other one would be stored and never used, and a pack
# holding it is refused, so the admin refuses it too (else a course would not export and import).
SOLUTION_FIELDS = ("options", "answers", "tiles", "pairs")
USES = {
    ExerciseType.MULTIPLE_CHOICE: frozenset({"options"}),
    ExerciseType.TRANSLATE: frozenset({"answers"}),
    ExerciseType.LISTEN_TYPE: frozenset({"answers"}),
    ExerciseType.FILL_BLANK: frozenset({"answers"}),
    ExerciseType.WORD_BANK: frozenset({"tiles", "answers"}),
    ExerciseType.MATCH_PAIRS: frozenset({"pairs"}),
}


@dataclass(frozen=True, slots=True)
class ExerciseSpec:
    type: str
    prompt: str = ""
    answers: Sequence[str] = ()
    tiles: Sequence[str] = ()
    pairs: Sequence[Sequence[str]] = ()
    options: Sequence[tuple[str, bool]] = field(default_factory=tuple)  # (text, correct)
    has_audio: bool = False


def _problem(code: ProblemCode, field: str | None, template: str, **params: str) -> Problem:
    return Problem(code=code, field=field, template=template, params=tuple(params.items()))


def exercise_problems(spec: ExerciseSpec) -> list[Problem]:
    """Every reason the exercise cannot be shown to a learner, each with its field; empty when
    fine. Messages name the type by its code (`type` parameter) and begin with it."""
    try:
        kind = ExerciseType(spec.type)
    except ValueError:
        return [
            _problem(
                ProblemCode.UNKNOWN_TYPE,
                "type",
                "unknown exercise type %(found)s",
                found=repr(spec.type),
            )
        ]
    problems: list[Problem] = []
    needs_prompt = kind is not ExerciseType.MATCH_PAIRS and kind is not ExerciseType.LISTEN_TYPE
    if needs_prompt and not spec.prompt.strip():
        problems.append(
            _problem(ProblemCode.PROMPT_MISSING, "prompt", "%(type)s needs a prompt", type=kind)
        )
    if kind in {
        ExerciseType.TRANSLATE,
        ExerciseType.LISTEN_TYPE,
        ExerciseType.FILL_BLANK,
        ExerciseType.WORD_BANK,
    }:
        problems += _answer_problems(kind, spec)
    if kind is ExerciseType.MULTIPLE_CHOICE:
        problems += _option_problems(kind, spec.options)
    elif kind is ExerciseType.WORD_BANK:
        problems += _tile_problems(kind, spec.tiles, spec.answers)
    elif kind is ExerciseType.MATCH_PAIRS:
        problems += _pair_problems(kind, spec.pairs)
    elif kind is ExerciseType.LISTEN_TYPE and not spec.has_audio:
        problems.append(
            _problem(ProblemCode.AUDIO_MISSING, "audio", "%(type)s needs audio", type=kind)
        )
    elif kind is ExerciseType.FILL_BLANK and spec.prompt.count(BLANK) != 1:
        problems.append(
            _problem(
                ProblemCode.BLANK_COUNT,
                "prompt",
                f"%(type)s needs exactly one blank ({BLANK}) in its prompt",
                type=kind,
            )
        )
    return problems


def unused_field_problems(kind: str, present: Iterable[str]) -> list[Problem]:
    """The solution fields among `present` that an exercise of type `kind` never reads.

    One problem per field, on that field; none for an unknown type (`exercise_problems` says it).
    """
    if kind not in USES:
        return []
    return [
        _problem(
            ProblemCode.FIELD_UNUSED,
            name,
            "%(type)s does not use %(name)s",
            type=kind,
            name=name,
        )
        for name in SOLUTION_FIELDS
        if name in present and name not in USES[kind]
    ]


def _answer_problems(kind: ExerciseType, spec: ExerciseSpec) -> list[Problem]:
    answers = [a for a in spec.answers if isinstance(a, str) and a.strip()]
    if not answers:
        template, code = "%(type)s needs at least one accepted answer", ProblemCode.ANSWERS_MISSING
    elif len(answers) != len(spec.answers):
        template, code = "%(type)s has an empty accepted answer", ProblemCode.ANSWER_EMPTY
    elif any(count > 1 for count in Counter(normalize(a) for a in answers).values()):
        template = "%(type)s lists the same accepted answer twice"
        code = ProblemCode.ANSWER_REPEATED
    else:
        return []
    return [_problem(code, "answers", template, type=kind)]


def _option_problems(kind: ExerciseType, options: Sequence[tuple[str, bool]]) -> list[Problem]:
    problems = []
    if len(options) < 2:
        problems.append(
            _problem(
                ProblemCode.OPTIONS_TOO_FEW,
                "options",
                "%(type)s needs at least two options",
                type=kind,
            )
        )
    correct = sum(1 for _, is_correct in options if is_correct)
    if correct != 1:
        problems.append(
            _problem(
                ProblemCode.OPTIONS_CORRECT_COUNT,
                "options",
                "%(type)s needs exactly one correct option (it has %(count)s)",
                type=kind,
                count=str(correct),
            )
        )
    texts = [normalize(text) for text, _ in options]
    if len(set(texts)) != len(texts):
        problems.append(
            _problem(
                ProblemCode.OPTION_REPEATED,
                "options",
                "%(type)s has two options with the same text",
                type=kind,
            )
        )
    return problems


def _tile_problems(
    kind: ExerciseType, tiles: Sequence[str], answers: Sequence[str]
) -> list[Problem]:
    if len(tiles) < 2:
        return [
            _problem(
                ProblemCode.TILES_TOO_FEW, "tiles", "%(type)s needs at least two tiles", type=kind
            )
        ]
    available = Counter(tiles)
    problems = []
    for answer in answers:
        needed = Counter(answer.split())
        missing = [word for word, count in needed.items() if available[word] < count]
        if missing:
            # The tiles are what to fix: an answer is right, the bank lacks words for it.
            problems.append(
                _problem(
                    ProblemCode.TILES_LACKING,
                    "tiles",
                    "%(type)s answer %(answer)s needs tiles it lacks: %(missing)s",
                    type=kind,
                    answer=repr(answer),
                    missing=", ".join(missing),
                )
            )
    return problems


def _pair_problems(kind: ExerciseType, pairs: Sequence[Sequence[str]]) -> list[Problem]:
    if len(pairs) < 2:
        return [
            _problem(
                ProblemCode.PAIRS_TOO_FEW, "pairs", "%(type)s needs at least two pairs", type=kind
            )
        ]
    if any(len(pair) != 2 or not all(str(side).strip() for side in pair) for pair in pairs):
        return [
            _problem(
                ProblemCode.PAIR_MALFORMED,
                "pairs",
                "%(type)s needs pairs of two non-empty sides",
                type=kind,
            )
        ]
    lefts = [normalize(left) for left, _ in pairs]
    rights = [normalize(right) for _, right in pairs]
    problems = []
    if len(set(lefts)) != len(lefts):
        problems.append(
            _problem(
                ProblemCode.PAIR_LEFT_REPEATED,
                "pairs",
                "%(type)s has the same left side twice",
                type=kind,
            )
        )
    if len(set(rights)) != len(rights):
        problems.append(
            _problem(
                ProblemCode.PAIR_RIGHT_REPEATED,
                "pairs",
                "%(type)s has the same right side twice",
                type=kind,
            )
        )
    return problems
