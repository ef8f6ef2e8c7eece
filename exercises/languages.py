"""Which language a learner answers an exercise in (`answer_language`).

An exercise may say it (the pack's optional `answer_language`, the editor's field). When it does
not, the default follows from what every exercise holds: its `words` are words of the language
being learned. So:

- `listen_type`, `fill_blank`, `match_pairs`: the language being learned (the learner writes
  what they hear, completes a sentence of it, or pairs its words with their meanings);
- `translate`, `word_bank`: the side that holds the exercise's words. The answer (the first
  accepted answer, and a word bank's tiles) holding more of them than the prompt means the
  answer is in the language being learned; the prompt holding more of them means the learner
  translates out of it, into the language the course is taught from;
- `multiple_choice`: the language being learned when the options hold one of the exercise's
  words ("Which one means “hello”?" offers Spanish words, and so does "Choose the
  missing word: “Tengo veinte ___.”"), the course's other language when only the prompt holds
  them ("What does “adiós” mean?" offers English ones).

A tie (an exercise without words, say) gives the language being learned.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from exercises.grading import normalize
from exercises.types import ExerciseType


@dataclass(frozen=True)
class CourseLanguages:
    learning: str
    source: str  # the language the course is taught from


_ALWAYS_LEARNING = frozenset(
    {ExerciseType.LISTEN_TYPE, ExerciseType.FILL_BLANK, ExerciseType.MATCH_PAIRS}
)


def _hits(text: str, words: Iterable[str]) -> int:
    """How many of the words appear in the text, as whole words, whatever case and punctuation."""
    padded = f" {normalize(text)} "
    return sum(1 for word in words if (norm := normalize(word)) and f" {norm} " in padded)


def answer_language_default(
    *,
    type: str,
    prompt: str,
    answer: str,
    words: Sequence[str],
    languages: CourseLanguages,
) -> str:
    """The default rule above; `answer` is the text the learner answers with (the first accepted
    answer, that and the tiles, or the options' texts)."""
    kind = ExerciseType(type)
    if kind in _ALWAYS_LEARNING:
        return languages.learning
    in_answer = _hits(answer, words)
    in_prompt = _hits(prompt, words)
    if kind is ExerciseType.MULTIPLE_CHOICE:
        # An option is a word or a short phrase: holding any of the words tells its language.
        return languages.source if in_prompt and not in_answer else languages.learning
    return languages.source if in_prompt > in_answer else languages.learning


def exercise_answer_language(exercise, *, languages: CourseLanguages) -> str:
    """The answer language of a course exercise (a `courses.models.Exercise` with its options and
    words loaded): its own `answer_language` when set, else the default rule."""
    if exercise.answer_language:
        return exercise.answer_language
    kind = ExerciseType(exercise.type)
    if kind is ExerciseType.MULTIPLE_CHOICE:
        # All the options: they are in one language, and a plural may hide the correct one's word.
        answer = " / ".join(option.text for option in exercise.options.all())
    elif kind is ExerciseType.WORD_BANK:
        answer = " ".join([*(exercise.answers or [])[:1], *(exercise.tiles or [])])
    else:
        answer = next(iter(exercise.answers or []), "")
    return answer_language_default(
        type=kind,
        prompt=exercise.prompt,
        answer=answer,
        words=[word.text for word in exercise.words.all()],
        languages=languages,
    )
