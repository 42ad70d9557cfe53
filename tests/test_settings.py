"""One contract per config section: the schema holds each key's default and description, a settings class
(runrisk.config.Section) holds which code reads it and as what type, and a rule passes exactly the keys
of the class its script parses. These tests hold the three equal."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re
import types
import typing

import pytest
import yaml
from workflow_runner import ROOT, SCHEMA, schema_defaults

import runrisk
from runrisk.config import ConfigError, Section, complete_config, defaults_yaml, load_schema

MINIMAL = {"study": {"name": "test", "timezone": "UTC"}, "raw_dir": "raw"}
RULE_FILES = [ROOT / "Snakefile", *sorted((ROOT / "workflow" / "rules").glob("*.smk"))]
JSON_TYPES = {float: {"number", "integer"}, int: {"integer"}, bool: {"boolean"}, str: {"string"}}
JSON_TYPES |= {type(None): {"null"}, tuple: {"array"}, list: {"array"}, dict: {"object"}}


def settings_classes() -> list[type[Section]]:
    for module in pkgutil.walk_packages(runrisk.__path__, "runrisk."):
        importlib.import_module(module.name)
    found, todo = [], list(Section.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))


def schema_entry(path: str) -> dict:
    """The schema's entry for a dotted key path; `[]` steps into a list's items; through $ref."""
    root = load_schema(SCHEMA)
    node = root
    for part in filter(None, re.split(r"\.|(\[\])", path)):
        node = resolved(node, root)
        node = node["items"] if part == "[]" else node["properties"][part]
    return resolved(node, root)


def resolved(node: dict, root: dict) -> dict:
    if "$ref" in node:
        target = root
        for step in node["$ref"].removeprefix("#/").split("/"):
            target = target[step]
        return {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def schema_values(entry: dict) -> tuple[set[str], list | None]:
    """The JSON types an entry allows, and its enum (or consts) when it is closed."""
    if "enum" in entry:
        return {json_type(v) for v in entry["enum"]}, list(entry["enum"])
    if "const" in entry:
        return {json_type(entry["const"])}, [entry["const"]]
    if "oneOf" in entry or "anyOf" in entry:
        types_, consts = set(), []
        for option in entry.get("oneOf", entry.get("anyOf")):
            found, values = schema_values(option)
            types_ |= found
            consts += values or []
        return types_, None
    declared = entry.get("type", [])
    return set([declared] if isinstance(declared, str) else declared), None


def json_type(value) -> str:
    return next(name for t, names in JSON_TYPES.items() if type(value) is t for name in sorted(names))


def annotation_types(annotation) -> tuple[set[str], list | None]:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in {types.UnionType, typing.Union}:
        found = [annotation_types(a) for a in args]
        return set().union(*(t for t, _ in found)), None
    if origin is typing.Literal:
        return {json_type(a) for a in args}, list(args)
    if isinstance(annotation, type) and issubclass(annotation, Section):
        return {"object"}, None
    return set(JSON_TYPES[origin or annotation]), None


def test_every_settings_field_is_a_schema_key_of_the_type_the_class_reads():
    classes = settings_classes()
    assert len(classes) >= 20
    problems = []
    for cls in classes:
        hints = typing.get_type_hints(cls)
        for field in dataclasses.fields(cls):
            path = f"{cls.SECTION}.{field.name}" if cls.SECTION else field.name
            try:
                entry = schema_entry(path)
            except KeyError:
                problems.append(f"{cls.__name__}.{field.name}: {path} is not in the schema")
                continue
            allowed, enum = schema_values(entry)
            readable, literal = annotation_types(hints[field.name])
            if not allowed <= readable:
                problems.append(f"{cls.__name__}.{field.name}: schema allows {allowed}, field reads {readable}")
            if literal is not None and sorted(map(str, literal)) != sorted(map(str, enum or [])):
                problems.append(f"{cls.__name__}.{field.name}: Literal {literal} is not the schema's enum {enum}")
    assert problems == []


def config_paths_read_by_rules() -> set[str]:
    """Every `config["a"]["b"]` the Snakefile and rules read, as a dotted path."""
    paths = set()
    for path in RULE_FILES:
        for match in re.finditer(r"config((?:\[\s*[\"']\w+[\"']\s*\])+)", path.read_text()):
            paths.add(".".join(re.findall(r"[\"'](\w+)[\"']", match.group(1))))
    return paths


def test_rules_read_only_keys_the_schema_declares():
    paths = config_paths_read_by_rules()
    assert {"biomechanics", "exposure.grace_weeks", "models.terms"} <= paths
    undeclared = []
    for path in sorted(paths):
        try:
            schema_entry(path)
        except KeyError:
            undeclared.append(path)
    assert undeclared == []


def test_every_schema_key_is_read_by_a_settings_class_or_a_rule():
    schema = load_schema(SCHEMA)
    read = {f"{c.SECTION}.{f.name}" if c.SECTION else f.name for c in settings_classes() for f in dataclasses.fields(c)}
    by_rules = config_paths_read_by_rules()
    unread = []
    for section, entry in schema["properties"].items():
        for key in resolved(entry, schema).get("properties", {}) or [None]:
            path = f"{section}.{key}" if key else section
            if path in read or path in by_rules or any(path.startswith(f"{r}.") for r in by_rules):
                continue
            unread.append(path)
    assert unread == []


def test_no_script_reads_the_whole_config():
    readers = [p.name for p in sorted((ROOT / "scripts").glob("*.py")) if "snakemake.config" in p.read_text()]
    assert readers == []


def test_a_rule_that_passes_other_keys_than_its_class_reads_is_refused():
    from runrisk.cohort.shards import TrialReading

    section = schema_defaults()["biomechanics"]
    passed = TrialReading.pick(section)
    assert set(passed) == set(TrialReading.config_keys())
    assert "qc_participant" not in passed and "primary_limb" not in passed
    with pytest.raises(ConfigError, match=r"TrialReading reads biomechanics: missing edge_margin_mm"):
        TrialReading.of({k: v for k, v in passed.items() if k != "edge_margin_mm"})
    with pytest.raises(ConfigError, match=r"qc_participant passed but not read"):
        TrialReading.of({**passed, "qc_participant": None})
    with pytest.raises(ConfigError, match=r"FilterSettings reads biomechanics.filter: missing grf_hz"):
        TrialReading.of({**passed, "filter": {k: v for k, v in passed["filter"].items() if k != "grf_hz"}})
    parsed = TrialReading.of(passed)
    assert parsed.filter.kinetics_cutoff == parsed.filter.kinematics_hz == 15.0
    assert parsed.required_signals == ("HEE", "TOE", "AnkleAngles", "AnkleMoment")


def config_lines() -> dict[str, str]:
    """Dotted key -> its line in config/config.yaml (the line that holds the key)."""
    text = (ROOT / "config" / "config.yaml").read_text()
    lines = text.splitlines()
    found: dict[str, str] = {}

    def visit(node, prefix):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = f"{prefix}{key.value}"
                found[name] = lines[key.start_mark.line]
                visit(value, f"{name}.")

    visit(yaml.compose(text), "")
    return found


def repeated_defaults(config: dict, defaults: dict, prefix: str = "") -> list[str]:
    """Keys whose value equals the default (a mapping counts when every key it sets does)."""
    repeated = []
    for key, value in config.items():
        default = defaults.get(key) if isinstance(defaults, dict) else None
        if isinstance(value, dict) and isinstance(default, dict) and value != default:
            repeated += repeated_defaults(value, default, f"{prefix}{key}.")
        elif value == default or (isinstance(value, list) and value == without_filled_signs(default, value)):
            repeated.append(f"{prefix}{key}")
    return repeated


def without_filled_signs(default, value):
    """Model terms as written: the schema fills sign 1 where a term leaves it out."""
    if not isinstance(default, list) or len(default) != len(value):
        return default
    return [
        {k: v for k, v in d.items() if k in w} if isinstance(d, dict) and isinstance(w, dict) else d
        for d, w in zip(default, value, strict=True)
    ]


def test_the_demo_config_repeats_no_default_without_saying_why():
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    lines = config_lines()
    repeated = repeated_defaults(config, schema_defaults())
    assert repeated == ["models.terms"]  # the model, kept in view with a comment
    silent = [key for key in repeated if "#" not in lines[key]]
    assert silent == []


def test_a_repeated_default_without_a_comment_is_found():
    config = {"simulate": {"enabled": True, "seed": 20250403}, "wearables": {"min_run_s": 120}}
    assert repeated_defaults(config, schema_defaults()) == ["simulate.seed", "wearables.min_run_s"]


def test_config_defaults_yaml_is_the_schema_written_out():
    written = (ROOT / "config" / "defaults.yaml").read_text()
    assert written == defaults_yaml(SCHEMA), "regenerate with: python -m runrisk.config"
    defaults = yaml.safe_load(written)  # required keys (study, raw_dir) have no default: set them as a study must
    assert complete_config({**defaults, **MINIMAL}, SCHEMA) == schema_defaults()


def test_facts_have_one_home():
    """The list of baseline models, the stance peaks and the exposure windows are each written once."""
    from runrisk.biomech import cgm, signals, stances
    from runrisk.cohort import exposure, outcomes
    from runrisk.report import figures
    from runrisk.simulate import cohort
    from runrisk.stats import models, terms

    assert set(models.FITTERS) == set(terms.MODELS) == set(figures.MODEL_LABELS)
    assert "logistic|firth|cox" not in (ROOT / "workflow" / "rules" / "models.smk").read_text()
    assert cohort.PEAK_NAMES is stances.PEAK_NAMES
    assert set(cgm.SIDED) | set(cgm.PELVIS_SIDED) == set(signals.MARKERS)
    assert typing.get_args(typing.get_type_hints(outcomes.Censoring)["window"]) == exposure.EXPOSURE_WINDOWS
    assert not hasattr(importlib.import_module("runrisk.biomech.gait_model"), "MODELS")
