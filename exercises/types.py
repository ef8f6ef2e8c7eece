from enum import StrEnum


class ExerciseType(StrEnum):
    MULTIPLE_CHOICE = "multiple_choice"
    TRANSLATE = "translate"
    LISTEN_TYPE = "listen_type"
    FILL_BLANK = "fill_blank"
    WORD_BANK = "word_bank"
    MATCH_PAIRS = "match_pairs"
