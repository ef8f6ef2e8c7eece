"""Machine codes of the errors spaced repetition raises; clients branch on these, people read
the message."""

from enum import StrEnum


class SrsErrorCode(StrEnum):
    CARD_NOT_FOUND = "card_not_found"
    CARD_NOT_DUE = "card_not_due"
    CARD_SUSPENDED = "card_suspended"
    REVIEW_LIMIT_REACHED = "review_limit_reached"
    NEW_CARD_LIMIT_REACHED = "new_card_limit_reached"
    RATING_REQUIRED = "rating_required"
