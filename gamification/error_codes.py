from enum import StrEnum


class ErrorCode(StrEnum):
    NO_HEARTS = "no_hearts"
    INSUFFICIENT_GEMS = "insufficient_gems"
