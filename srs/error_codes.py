from enum import StrEnum


class ErrorCode(StrEnum):
    CARD_NOT_FOUND = "card_not_found"
    CARD_NOT_DUE = "card_not_due"
    CARD_SUSPENDED = "card_suspended"
    REVIEW_LIMIT_REACHED = "review_limit_reached"
    NEW_CARD_LIMIT_REACHED = "new_card_limit_reached"
    INVALID_ANSWER = "invalid_answer"
    RATING_REQUIRED = "rating_required"
    INVALID = "invalid"  # the code of every validation error (see config.api.exceptions)
