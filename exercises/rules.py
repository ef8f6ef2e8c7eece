"""What makes an exercise well formed, as pure functions over plain data.

The admin, the course-pack importer and the publish check all ask these same functions, so an
exercise is judged by one set of rules wherever it comes from.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from exercises.grading import ExerciseType, normalize

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


def exercise_problems(spec: ExerciseSpec) -> list[str]:
    """Every reason the exercise cannot be shown to a learner, as sentences; empty when fine."""
    try:
        kind = ExerciseType(spec.type)
    except ValueError:
        return [f"unknown exercise type {spec.type!r}"]
    problems: list[str] = []
    needs_prompt = kind is not ExerciseType.MATCH_PAIRS and kind is not ExerciseType.LISTEN_TYPE
    if needs_prompt and not spec.prompt.strip():
        problems.append(f"{kind} needs a prompt")
    if kind in {
        ExerciseType.TRANSLATE,
        ExerciseType.LISTEN_TYPE,
        ExerciseType.FILL_BLANK,
        ExerciseType.WORD_BANK,
    }:
        problems += _answer_problems(kind, spec)
    if kind is ExerciseType.MULTIPLE_CHOICE:
        problems += _option_problems(spec.options)
    elif kind is ExerciseType.WORD_BANK:
        problems += _tile_problems(spec.tiles, spec.answers)
    elif kind is ExerciseType.MATCH_PAIRS:
        problems += _pair_problems(spec.pairs)
    elif kind is ExerciseType.LISTEN_TYPE and not spec.has_audio:
        problems.append("listen_type needs audio")
    elif kind is ExerciseType.FILL_BLANK and spec.prompt.count(BLANK) != 1:
        problems.append(f"fill_blank needs exactly one blank ({BLANK}) in its prompt")
    return problems


def _answer_problems(kind: ExerciseType, spec: ExerciseSpec) -> list[str]:
    answers = [a for a in spec.answers if isinstance(a, str) and a.strip()]
    if not answers:
        return [f"{kind} needs at least one accepted answer"]
    if len(answers) != len(spec.answers):
        return [f"{kind} has an empty accepted answer"]
    seen = Counter(normalize(a) for a in answers)
    if any(count > 1 for count in seen.values()):
        return [f"{kind} lists the same accepted answer twice"]
    return []


def _option_problems(options: Sequence[tuple[str, bool]]) -> list[str]:
    problems = []
    if len(options) < 2:
        problems.append("multiple_choice needs at least two options")
    correct = sum(1 for _, is_correct in options if is_correct)
    if correct != 1:
        problems.append(f"multiple_choice needs exactly one correct option (it has {correct})")
    texts = [normalize(text) for text, _ in options]
    if len(set(texts)) != len(texts):
        problems.append("multiple_choice has two options with the same text")
    return problems


def _tile_problems(tiles: Sequence[str], answers: Sequence[str]) -> list[str]:
    if len(tiles) < 2:
        return ["word_bank needs at least two tiles"]
    available = Counter(tiles)
    problems = []
    for answer in answers:
        needed = Counter(answer.split())
        missing = [word for word, count in needed.items() if available[word] < count]
        if missing:
            listed = ", ".join(missing)
            problems.append(f"word_bank answer {answer!r} needs tiles it lacks: {listed}")
    return problems


def _pair_problems(pairs: Sequence[Sequence[str]]) -> list[str]:
    if len(pairs) < 2:
        return ["match_pairs needs at least two pairs"]
    if any(len(pair) != 2 or not all(str(side).strip() for side in pair) for pair in pairs):
        return ["match_pairs needs pairs of two non-empty sides"]
    lefts = [normalize(left) for left, _ in pairs]
    rights = [normalize(right) for _, right in pairs]
    problems = []
    if len(set(lefts)) != len(lefts):
        problems.append("match_pairs has the same left side twice")
    if len(set(rights)) != len(rights):
        problems.append("match_pairs has the same right side twice")
    return problems
