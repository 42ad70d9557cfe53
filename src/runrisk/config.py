"""Validation of a study's config against workflow/schemas/config.schema.yaml, in words a study team reads."""

from __future__ import annotations

import copy
import dataclasses
import textwrap
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar, Self

import jsonschema
import yaml


class ConfigError(ValueError):
    pass


def _key(path) -> str:
    return ".".join(str(p) for p in path) or "(top level)"


def describe(error: jsonschema.ValidationError) -> str:
    """One line: the key, what is wrong, and what the schema allows and says about it."""
    key = _key(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return f"{_key([*error.absolute_path, missing])}: missing (required)"
    if error.validator == "additionalProperties":
        return f"{key}: {error.message}"
    allowed = ""
    if "enum" in schema:
        allowed = f"; allowed: {', '.join(map(str, schema['enum']))}"
    elif error.validator in {"minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "type"}:
        bounds = [
            f"{name} {schema[name]}"
            for name in ("type", "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum")
            if name in schema
        ]
        allowed = f"; allowed: {', '.join(bounds)}"
    about = f" ({schema['description'].strip()})" if schema.get("description") else ""
    return f"{key}: {error.message}{allowed}{about}"


def validate_config(config: dict, schema_path: str | Path) -> None:
    """Raise ConfigError listing every problem, one per line, keys in config order."""
    schema = load_schema(schema_path)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(config), key=lambda e: list(map(str, e.path)))
    lines = [describe(e) for e in errors] + cross_field_problems(config)
    if lines:
        raise ConfigError(f"config does not match {schema_path}:\n  " + "\n  ".join(lines))


def cross_field_problems(config: dict) -> list[str]:
    """What no single key's schema can say."""
    simulate = config.get("simulate", {}) if isinstance(config.get("simulate"), dict) else {}
    shares = [simulate.get(k, 0.0) for k in ("second_lab_fraction", "marker_lab_fraction")]
    if all(isinstance(v, int | float) for v in shares) and sum(shares) > 1:
        return [
            f"simulate: second_lab_fraction + marker_lab_fraction is {sum(shares):g}; the labs' shares cannot exceed 1"
        ]
    return []


def load_schema(schema_path: str | Path) -> dict:
    # libyaml's loader where PyYAML has it: the pure-Python one takes 0.15 s of every DAG for the schema
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(Path(schema_path).read_text(), Loader=loader)  # noqa: S506 (a safe loader)


def _with_defaults(validator_class):
    """A validator that fills each missing property with its schema default before checking it: the same
    rule snakemake.utils.validate applies to the workflow's config, for callers outside Snakemake."""
    check_properties = validator_class.VALIDATORS["properties"]

    def fill_then_check(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for key, subschema in properties.items():
                if "default" in subschema:
                    instance.setdefault(key, copy.deepcopy(subschema["default"]))
        yield from check_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": fill_then_check})


def complete_config(config: dict, schema_path: str | Path) -> dict:
    """A copy of config with every default of the schema filled in, after validate_config's checks."""
    validate_config(config, schema_path)
    completed = copy.deepcopy(config)
    _with_defaults(jsonschema.Draft202012Validator)(load_schema(schema_path)).validate(completed)
    return completed


class Section:
    """A frozen dataclass that reads one config section (SECTION, dotted): its fields are the keys it reads,
    named as the schema names them. The schema holds each key's default and description; the class holds
    which code reads it and as what type, and `tests/test_config.py` holds the two equal. A rule passes
    `Cls.pick(config[...])`, so its params are exactly the class's keys and a change of any other key reruns
    nothing; a script parses them once with `Cls.of(params)`, which refuses a missing key and one that no
    field reads."""

    SECTION: ClassVar[str] = ""

    @classmethod
    def config_keys(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def pick(cls, section: Mapping) -> dict:
        """The keys of a (validated, defaulted) config section that this class reads."""
        return {key: section[key] for key in cls.config_keys()}

    @classmethod
    def from_config(cls, section: Mapping) -> Self:
        """From a whole (validated, defaulted) section, for callers outside a rule: tests, the CLI."""
        return cls.of(cls.pick(section))

    @classmethod
    def of(cls, section: Mapping) -> Self:
        """Parse what a rule passed; nested sections and tuples by the field's annotation."""
        keys = set(cls.config_keys())
        missing, unread = sorted(keys - set(section)), sorted(set(section) - keys)
        if missing or unread:
            raise ConfigError(
                f"{cls.__name__} reads {cls.SECTION or 'the config'}: "
                + "; ".join(
                    [f"missing {', '.join(missing)} (the rule must pass {cls.__name__}.pick(...))"] * bool(missing)
                    + [f"{', '.join(unread)} passed but not read (not a field of {cls.__name__})"] * bool(unread)
                )
            )
        hints = typing.get_type_hints(cls)
        return cls(**{key: _parsed(hints[key], section[key]) for key in cls.config_keys()})


def _parsed(annotation, value):
    """A YAML value as the field's annotation types it: a Section from a mapping, a tuple from a list."""
    if value is None:
        return None
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in {types.UnionType, typing.Union} and len(args) == 1:
        annotation, args = args[0], list(typing.get_args(args[0]))
    if isinstance(annotation, type) and issubclass(annotation, Section):
        return annotation.of(value)
    if typing.get_origin(annotation) is tuple:
        item = args[0] if args else typing.Any
        return tuple(_parsed(item, v) for v in value)
    return value


def _entry_lines(key: str, entry: dict, indent: str) -> list[str]:
    about = " ".join((entry.get("description") or "").split())
    lines = [f"{indent}# {line}" for line in textwrap.wrap(about, 100 - len(indent))]
    if entry.get("type") == "object" and "properties" in entry:
        lines.append(f"{indent}{key}:")
        for name, sub in entry["properties"].items():
            lines += _entry_lines(name, sub, indent + "  ")
        return lines
    value = yaml.safe_dump({key: entry.get("default")}, default_flow_style=True, allow_unicode=True, width=1 << 16)
    return [*lines, f"{indent}{value.strip()[1:-1]}"]


def defaults_yaml(schema_path: str | Path) -> str:
    """config/defaults.yaml: every key of the schema with its default and description, the one place a
    study team reads what it does not have to set (written by `python -m runrisk.config`)."""
    schema = load_schema(schema_path)
    lines = [
        "# Every default of workflow/schemas/config.schema.yaml, generated by `python -m runrisk.config`: do",
        "# not edit (tests/test_settings.py holds it equal to the schema). A study sets in its own config only",
        "# what is required (study, raw_dir) and what it chooses otherwise.",
    ]
    for key, entry in schema["properties"].items():
        lines += ["", *_entry_lines(key, entry, "")]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[2]
    (root / "config" / "defaults.yaml").write_text(defaults_yaml(root / "workflow" / "schemas" / "config.schema.yaml"))
