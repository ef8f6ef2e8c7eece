"""Machine codes of the errors classrooms raises. A wrong join code answers `invalid_code`, the
code accounts already defines for a wrong code (AccountsErrorCode.INVALID_CODE)."""

from enum import StrEnum


class ClassroomsErrorCode(StrEnum):
    CLASSROOM_NOT_FOUND = "classroom_not_found"
    CLASSROOM_ARCHIVED = "classroom_archived"
    TEACHER_NOT_FOUND = "teacher_not_found"
    # A teacher of the class following its invite (to try the link) would join their own roster.
    TEACHES_CLASSROOM = "teaches_classroom"
    ASSIGNMENT_INVALID = "assignment_invalid"
