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
# The OSTRC questionnaires' body areas (Clarsen et al. 2013, BJSM 47:495; 2020, BJSM 54:390) as runners
# and clinics write them, English and Dutch: always understood, whatever a study's config lists (a config
# that sets region_synonyms replaces the schema's words, and "calf" must not become bad input with them)
OSTRC_REGION_WORDS = {
    "achilles": ("achilles tendon", "achilles tendinopathy", "heel cord", "achillespees", "achilles pees"),
    "foot": ("feet", "heel", "plantar fascia", "arch", "toe", "toes", "voet", "voeten", "hiel", "voetzool", "tenen"),
    "ankle": ("ankles", "enkel", "enkels"),
    "lower_leg": (
        "calf",
        "calves",
        "shin",
        "shins",
        "lower leg",
        "kuit",
        "kuiten",
        "scheen",
        "scheenbeen",
        "onderbeen",
    ),
    "knee": ("knees", "kneecap", "knee cap", "patella", "knie", "knieën", "knieschijf"),
    "thigh": ("hamstring", "hamstrings", "quadriceps", "quads", "dij", "dijbeen", "bovenbeen"),
    "hip": ("groin", "hip groin", "hip/groin", "heup", "lies", "liezen", "heup/lies"),
    "lower_back": ("low back", "lumbar", "lumbosacral", "onderrug", "lage rug"),
    "upper_back": ("thoracic", "thoracic spine", "bovenrug"),
    "head_neck": ("head", "face", "neck", "hoofd", "gezicht", "nek"),
    "shoulder": ("shoulders", "schouder", "schouders"),
    "arm": ("elbow", "upper arm", "forearm", "elleboog", "bovenarm", "onderarm"),
    "hand": ("wrist", "fingers", "pols", "vingers"),
    "chest": ("ribs", "sternum", "borst", "borstkas", "ribben"),
    "abdomen": ("belly", "stomach", "buik"),
    "other": ("overig", "anders"),
}


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
    """The body regions: the OSTRC words built in, then the study's own (which win where they differ)."""
    words = {name: [*OSTRC_REGION_WORDS.get(name, ()), *synonyms.get(name, ())] for name in REGIONS}
    return Vocabulary.of("body region", "outcomes.region_synonyms", REGIONS, words)


def sides(synonyms: Mapping[str, Sequence[str]]) -> Vocabulary:
    return Vocabulary.of("side", "outcomes.side_synonyms", SIDES, synonyms)
