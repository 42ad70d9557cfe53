"""The config schema is the one home of every parameter: documented, defaulted or required, valid."""

from __future__ import annotations

import copy

import jsonschema
import pytest
import yaml
from snakemake.utils import validate
from workflow_runner import ROOT, SCHEMA, schema_defaults

from runrisk.config import ConfigError, complete_config, load_schema, validate_config

MINIMAL = {"study": {"name": "test", "timezone": "UTC"}, "raw_dir": "raw"}


def _resolve(ref: str, root: dict) -> dict:
    node = root
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def schema_entries(schema: dict, root: dict, prefix: str = ""):
    """(dotted key, entry, required by its parent) for every property, through $ref and array items."""
    if "$ref" in schema:
        schema = _resolve(schema["$ref"], root)
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        yield from schema_entries(schema["items"], root, f"{prefix}[]")
        return
    required = set(schema.get("required", []))
    for key, entry in schema.get("properties", {}).items():
        name = f"{prefix}.{key}" if prefix else key
        yield name, entry, key in required
        yield from schema_entries(entry, root, name)


def undocumented_keys(config: dict, schema: dict, root: dict | None = None, prefix: str = "") -> list[str]:
    """Keys of a config whose schema entry has no description (free-form maps: documented by their parent)."""
    root = root or schema
    if "$ref" in schema:
        schema = _resolve(schema["$ref"], root)
    missing = []
    for key, value in config.items():
        name = f"{prefix}{key}"
        entry = schema.get("properties", {}).get(key)
        if entry is None:
            extra = schema.get("additionalProperties")
            entry = extra if isinstance(extra, dict) else {}
        elif not entry.get("description"):
            missing.append(name)
        if isinstance(value, dict):
            missing += undocumented_keys(value, entry, root, f"{name}.")
    return missing


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(load_schema(SCHEMA))


def test_every_key_has_a_description_and_a_default_or_is_required():
    schema = load_schema(SCHEMA)
    entries = list(schema_entries(schema, schema))
    assert len(entries) > 80
    undescribed = [name for name, entry, _ in entries if not entry.get("description")]
    undefaulted = [name for name, entry, required in entries if not required and "default" not in entry]
    assert undescribed == []
    assert undefaulted == []
    for _, entry, _ in entries:  # a default the schema itself refuses would be a second, wrong home
        if "default" in entry:
            jsonschema.Draft202012Validator({**entry, "$defs": schema["$defs"]}).validate(entry["default"])


def test_every_parameter_of_the_demo_config_is_documented():
    demo = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    assert undocumented_keys(demo, load_schema(SCHEMA)) == []


def test_snakemake_fills_the_same_defaults_as_the_library():
    snakemake_filled = copy.deepcopy(MINIMAL)
    validate(snakemake_filled, str(SCHEMA))
    assert snakemake_filled == schema_defaults()
    assert snakemake_filled["biomechanics"]["filter"]["kinetics_hz"] == "kinematics_hz"
    assert snakemake_filled["simulate"]["enabled"] is False
    assert all(term["sign"] in (1, -1) for term in snakemake_filled["models"]["terms"])


def test_a_study_needs_only_its_name_clock_and_raw_folder():
    with pytest.raises(ConfigError) as error:
        validate_config({"raw_dir": "raw", "study": {"name": "x"}}, SCHEMA)
    assert "study.timezone: missing (required)" in str(error.value)
    assert complete_config(MINIMAL, SCHEMA)["outcomes"]["case_icd10"] == ["M76.6"]


def test_bad_config_names_the_key_and_what_is_allowed():
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    config["biomechanics"]["primary_limb"] = "X"
    config["shard_size"] = 0
    config["study"].pop("timezone")
    config["shard_sise"] = 10
    with pytest.raises(ConfigError) as error:
        validate_config(config, SCHEMA)
    message = str(error.value)
    assert "biomechanics.primary_limb: 'X' is not one of ['R', 'L']; allowed: R, L" in message
    assert "shard_size: 0 is less than the minimum of 1; allowed: type integer, minimum 1" in message
    assert "study.timezone: missing (required)" in message
    assert "'shard_sise' was unexpected" in message


def test_shares_of_the_simulated_labs_cannot_exceed_one():
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    config["simulate"]["second_lab_fraction"], config["simulate"]["marker_lab_fraction"] = 0.9, 0.2
    config["biomechanics"]["model"] = "everything"
    with pytest.raises(ConfigError) as error:
        validate_config(config, SCHEMA)
    message = str(error.value)
    assert "second_lab_fraction + marker_lab_fraction is 1.1; the labs' shares cannot exceed 1" in message
    assert "biomechanics.model: 'everything' is not one of ['precomputed', 'cgm10', 'auto']" in message
