"""Machine codes of the errors gamification raises; clients branch on these, people read the
message."""

from enum import StrEnum


class GamificationErrorCode(StrEnum):
    NO_HEARTS = "no_hearts"
    INSUFFICIENT_GEMS = "insufficient_gems"
