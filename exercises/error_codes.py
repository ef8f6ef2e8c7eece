"""Codes of the errors that grading an answer can lead to, whoever grades (lessons, reviews)."""

from enum import StrEnum


class ExercisesErrorCode(StrEnum):
    # An answer of the wrong shape for its exercise (see exercises.grading.InvalidAnswer).
    INVALID_ANSWER = "invalid_answer"
