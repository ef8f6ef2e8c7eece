"""Machine codes of the errors classrooms raises. A wrong join code answers `invalid_code`, the
code accounts already defines for a wrong code (AccountsErrorCode.INVALID_CODE)."""

from enum import StrEnum


class ClassroomsErrorCode(StrEnum):
    CLASSROOM_NOT_FOUND = "classroom_not_found"
    CLASSROOM_ARCHIVED = "classroom_archived"
    TEACHER_NOT_FOUND = "teacher_not_found"
    ASSIGNMENT_INVALID = "assignment_invalid"
