"""Validation of a study's config against workflow/schemas/config.schema.yaml, in words a study team reads."""

from __future__ import annotations

import copy
from pathlib import Path

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
    return yaml.safe_load(Path(schema_path).read_text())


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
