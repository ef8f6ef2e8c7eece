"""CSV files that open cleanly in a spreadsheet: UTF-8 with a byte-order mark (Excel otherwise
reads Latin-1), CRLF line ends (the csv module's), and no cell a spreadsheet would run as a
formula (OWASP "CSV injection"): text starting with = + - @ (or a tab or carriage return) gets a
leading apostrophe."""

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header: list[str], rows: Iterable[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([cell(value) for value in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def progress_table(*, rows, assignments) -> tuple[list[str], list[list]]:
    """The progress CSV: a row per current student (roster rows), a column per assignment with
    the student's status ("" when it was due before they joined). The email only if shared."""
    header = [
        "username",
        "display_name",
        "email",
        "joined_at",
        "xp_this_week",
        "streak",
        "total_xp",
        "last_active",
        "lessons_completed",
        "accuracy_30_days",
        *[f"{a.title} (due {a.due_at.isoformat()})" for a in assignments],
    ]
    body = [
        [
            row.student.username,
            row.student.display_name,
            row.email,
            row.membership.joined_at.isoformat(timespec="seconds"),
            row.week_xp,
            row.streak,
            row.total_xp,
            row.last_active.isoformat(timespec="seconds") if row.last_active else "",
            row.lessons_completed,
            row.accuracy,
            *[row.statuses[a.id].status.value if a.id in row.statuses else "" for a in assignments],
        ]
        for row in rows
    ]
    return header, body


WRONG_ANSWERS_SHOWN = 3


def items_table(*, items) -> tuple[list[str], list[list]]:
    """The item-analytics CSV: a row per exercise, worst first, with its three most common wrong
    answers and how often each was given."""
    header = [
        "exercise_id",
        "unit",
        "lesson",
        "type",
        "prompt",
        "attempts",
        "learners",
        "first_tries",
        "first_try_accuracy",
    ]
    for n in range(1, WRONG_ANSWERS_SHOWN + 1):
        header += [f"wrong_answer_{n}", f"wrong_answer_{n}_count"]
    body = []
    for item in items:
        line = [
            item.exercise_id,
            item.unit,
            item.lesson,
            item.type,
            item.prompt,
            item.attempts,
            item.learners,
            item.first_tries,
            item.first_try_accuracy,
        ]
        wrong = list(item.wrong_answers[:WRONG_ANSWERS_SHOWN])
        wrong += [("", "")] * (WRONG_ANSWERS_SHOWN - len(wrong))
        for answer, count in wrong:
            line += [answer, count]
        body.append(line)
    return header, body
