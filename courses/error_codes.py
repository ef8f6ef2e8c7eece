"""Machine codes of the errors courses raises; clients branch on these, people read the message."""

from enum import StrEnum


class CoursesErrorCode(StrEnum):
    # A course that does not exist and a draft look the same to learners.
    COURSE_NOT_FOUND = "course_not_found"
    COURSE_NOT_PUBLISHABLE = "course_not_publishable"
