"""What a refused pack says: a list of problems, each with its place in the pack."""

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from config.api.errors import ApplicationError

# Not in courses.error_codes (owned by the content API) yet; the string is the contract.
INVALID_COURSE_PACK = "invalid_course_pack"

Path = tuple[str | int, ...]


class Problem(NamedTuple):
    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


class PackError(ApplicationError):
    """The pack was refused whole; `problems` lists every reason as (place, message)."""

    default_code = INVALID_COURSE_PACK

    def __init__(self, problems: Sequence[tuple[str, str]]):
        self.problems = [Problem(*problem) for problem in problems]
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        fields: dict[str, list[str]] = {}
        for problem in self.problems:
            fields.setdefault(problem.place, []).append(problem.message)
        super().__init__(
            f"The course pack has {count} {noun}; nothing was imported.", fields=fields
        )

    def __str__(self) -> str:
        return "\n".join([self.message, *(f"  {problem}" for problem in self.problems)])


def place(path: Iterable[str | int]) -> str:
    """`("course", "sections", 0)` → `course.sections[0]`; the root is `pack`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "pack"
