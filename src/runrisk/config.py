"""Validation of a study's config against workflow/schemas/config.schema.yaml, in words a study team reads."""

from __future__ import annotations

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
    schema = yaml.safe_load(Path(schema_path).read_text())
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(config), key=lambda e: list(map(str, e.path)))
    if errors:
        lines = "\n  ".join(describe(e) for e in errors)
        raise ConfigError(f"config does not match {schema_path}:\n  {lines}")


def undocumented_keys(config: dict, schema: dict, root: dict | None = None, prefix: str = "") -> list[str]:
    """Config keys whose schema entry has no description (every parameter must be documented)."""
    root = root or schema
    missing = []
    properties = schema.get("properties", {})
    for key, value in config.items():
        name = f"{prefix}{key}"
        entry = properties.get(key)
        if entry is None:  # a free-form map (e.g. lab_conventions): documented by its parent
            entry = schema.get("additionalProperties") if isinstance(schema.get("additionalProperties"), dict) else {}
        elif not entry.get("description"):
            missing.append(name)
        if "$ref" in entry:
            entry = _resolve(entry["$ref"], root)
        if isinstance(value, dict):
            missing += undocumented_keys(value, entry, root, f"{name}.")
    return missing


def _resolve(ref: str, root: dict) -> dict:
    node = root
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node
