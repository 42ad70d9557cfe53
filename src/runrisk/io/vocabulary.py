"""Closed vocabularies for the words clinics type: body regions and sides, with the synonyms of the
study's languages (config: outcomes.region_synonyms, outcomes.side_synonyms).

A free-text region read as an exact string silently turns "Achilles tendon" or "Achillova šlacha"
into no region at all, and a complainer into a strict control. Here every spelling is matched to one
canonical name (without regard to case, accents kept, `_`, `-` and repeated spaces as one space), and a
word the vocabulary does not know is bad input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# the OSTRC-O2 body areas a running study distinguishes (Clarsen et al. 2020), lower limb in detail
REGIONS = (
    "achilles",
    "foot",
    "ankle",
    "lower_leg",
    "knee",
    "thigh",
    "hip",
    "lower_back",
    "upper_back",
    "head_neck",
    "shoulder",
    "arm",
    "hand",
    "chest",
    "abdomen",
    "other",
)
SIDES = ("right", "left", "bilateral")


def normalised(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text)).strip().lower()
    return re.sub(r"[\s_\-]+", " ", text)


@dataclass(frozen=True)
class Vocabulary:
    what: str  # "body region"
    config_key: str  # where a study adds its own words
    spellings: Mapping[str, str]  # normalised spelling -> canonical name

    @classmethod
    def of(cls, what: str, config_key: str, names: Sequence[str], synonyms: Mapping[str, Sequence[str]]):
        spellings = {normalised(name): name for name in names}
        for name, words in synonyms.items():
            for word in words:
                spellings[normalised(word)] = name
        return cls(what, config_key, spellings)

    def canonical(self, text: str) -> str:
        """The canonical name of a spelling; "" for an empty cell; ValueError for an unknown word."""
        if not str(text).strip():
            return ""
        try:
            return self.spellings[normalised(text)]
        except KeyError:
            raise ValueError(text) from None

    def describe(self) -> str:
        return f"a known {self.what} (add the study's own words to {self.config_key})"


# Sex as every file a person writes gives it (participants.csv, a runner's runner.yaml): the study's F/M
# and the words of its languages, one vocabulary, so a coach may copy a participants row.
SEXES = ("F", "M")
SEX_SYNONYMS = {
    "F": ("female", "woman", "w", "žena", "ž", "vrouw", "v"),
    "M": ("male", "man", "muž"),
}
SEX_ALLOWED = "the closed list F or M (female/male, žena/muž, vrouw/man)"
SEX = Vocabulary.of("sex", "io.vocabulary.SEX_SYNONYMS", SEXES, SEX_SYNONYMS)  # words set in code, not config


def sex_code(text: str) -> str:
    """F or M from any spelling of the vocabulary; ValueError for an empty or unknown word."""
    code = SEX.canonical(text)
    if not code:
        raise ValueError(text)
    return code


def regions(synonyms: Mapping[str, Sequence[str]]) -> Vocabulary:
    return Vocabulary.of("body region", "outcomes.region_synonyms", REGIONS, synonyms)


def sides(synonyms: Mapping[str, Sequence[str]]) -> Vocabulary:
    return Vocabulary.of("side", "outcomes.side_synonyms", SIDES, synonyms)
