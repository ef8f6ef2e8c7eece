"""Machine codes of the errors gamification raises; clients branch on these, people read the
message."""

from enum import StrEnum


class GamificationErrorCode(StrEnum):
    NO_HEARTS = "no_hearts"
    INSUFFICIENT_GEMS = "insufficient_gems"
    # Shop and inventory.
    LIMIT_REACHED = "limit_reached"
    ITEM_NOT_FOUND = "item_not_found"
    ITEM_NOT_OWNED = "item_not_owned"
    HEARTS_FULL = "hearts_full"
    USED_AUTOMATICALLY = "used_automatically"
