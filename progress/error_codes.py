"""Machine codes of the errors progress raises; clients branch on these, people read the message."""

from enum import StrEnum


class ProgressErrorCode(StrEnum):
    LESSON_NOT_FOUND = "lesson_not_found"
    SESSION_NOT_FOUND = "session_not_found"
    NOT_ENROLLED = "not_enrolled"
    LESSON_LOCKED = "lesson_locked"
    LESSON_EMPTY = "lesson_empty"
    EXERCISE_NOT_IN_SESSION = "exercise_not_in_session"
    EXERCISE_BROKEN = "exercise_broken"
    SESSION_FINISHED = "session_finished"
    SESSION_INCOMPLETE = "session_incomplete"
    ALREADY_ANSWERED = "already_answered"
    NOTHING_TO_PRACTISE = "nothing_to_practise"
