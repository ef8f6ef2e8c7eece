"""Machine codes of the errors social raises."""

from enum import StrEnum


class SocialErrorCode(StrEnum):
    CANNOT_FOLLOW_SELF = "cannot_follow_self"
    CANNOT_BLOCK_SELF = "cannot_block_self"
    USER_BLOCKED = "user_blocked"
    SEARCH_TOO_SHORT = "search_too_short"
