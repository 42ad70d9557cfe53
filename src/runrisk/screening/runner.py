"""A runner's runner.yaml: age, sex and body mass (and optionally the lab, the screening date and the
label a coach's squad pages show)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from runrisk.errors import InputError, described
from runrisk.io.vocabulary import SEX_ALLOWED, sex_code

AGE_RANGE = (10, 100)
MASS_RANGE_KG = (20, 250)
FIELDS = ("age", "sex", "body_mass_kg", "lab", "screening_date", "label")
FIELD_NAME = re.compile(r"[a-z_]{1,30}")  # a key that looks like a field is named; any other is described
LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,23}")  # initials or a bib number: no name is needed


class FieldTwice(Exception):
    """A mapping of runner.yaml gives one field twice (YAML loaders keep the last without a word)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(names)
        self.names = names


class UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's safe loader where installed (a squad page reads dozens of these every week), refusing a
    key given twice."""

    def construct_mapping(self, node, deep=False):
        keys = [str(self.construct_object(key, deep=deep)) for key, _ in node.value]
        twice = sorted({key for key in keys if keys.count(key) > 1})
        if twice:
            raise FieldTwice(twice)
        return super().construct_mapping(node, deep)


@dataclass(frozen=True)
class Runner:
    age: float
    female: bool
    body_mass_kg: float
    lab: str = ""
    screening_date: dt.date | None = None
    label: str = ""


def read_runner(path: Path) -> Runner:
    """runner.yaml, each field checked; a bad one is named with what is allowed (its value never echoed,
    nor the folder's path, which is often named after the runner)."""
    if not path.is_file():
        raise InputError(path.name, "runner.yaml is missing: it gives the runner's age, sex and body_mass_kg")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=UniqueKeyLoader) or {}
    except UnicodeDecodeError:
        raise InputError(path.name, "not UTF-8 text: save it again as UTF-8") from None
    except FieldTwice as twice:
        named = [key if FIELD_NAME.fullmatch(key) else described(key) for key in twice.names]
        raise InputError(path.name, f"field(s) {', '.join(named)} given twice: which one holds the value?") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)  # the parser's own text is not in words: where it stopped is
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InputError(path.name, f"not readable YAML{where}: each field on a line of its own, name: value") from None
    if not isinstance(data, dict):
        raise InputError(path.name, "runner.yaml must be a mapping of fields (age, sex, body_mass_kg)")
    unknown = sorted(set(map(str, data)) - set(FIELDS))
    if unknown:
        named = [key if FIELD_NAME.fullmatch(key) else described(key) for key in unknown]
        raise InputError(path.name, f"unknown field(s) {', '.join(named)}; the fields are {', '.join(FIELDS)}")
    age = _number(path, data, "age", *AGE_RANGE, "years")
    mass = _number(path, data, "body_mass_kg", *MASS_RANGE_KG, "kg")
    try:
        female = sex_code(str(data.get("sex") or "")) == "F"
    except ValueError:
        raise InputError(path.name, f"sex: must be {SEX_ALLOWED}") from None
    screening_date = data.get("screening_date")
    if screening_date is not None and not isinstance(screening_date, dt.date):
        raise InputError(path.name, "screening_date: must be a date written YYYY-MM-DD")
    label = str(data.get("label") or "")
    if label and not LABEL.fullmatch(label):
        raise InputError(path.name, "label: 1-24 letters, digits, spaces, '.', '_' or '-' (initials or a bib number)")
    return Runner(age, female, mass, str(data.get("lab") or ""), screening_date, label)


def _number(path: Path, data: dict, name: str, low: float, high: float, unit: str) -> float:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        raise InputError(path.name, f"{name}: missing or not a number ({unit})")
    if not low <= value <= high:
        raise InputError(path.name, f"{name}: not a possible value (allowed {low}-{high} {unit})")
    return float(value)
