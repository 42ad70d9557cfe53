"""The provenance manifest: SHA-256 of every input, code and output file, the canonical config hash,
software versions and platform; and the audit that re-hashes and reports what differs."""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import yaml

from runrisk.ids import DEMO_PSEUDONYM_KEY, key_fingerprint
from runrisk.io.layout import TRIAL_KINDS, WEARABLE_KINDS, labelled_files
from runrisk.tendon.study import MRI_KIND

WORKFLOW_PARTS = ("Snakefile", "workflow", "scripts", "config", "envs")
RERUN_PARTS = (*WORKFLOW_PARTS, "profiles")  # profiles/ -> workflow/profiles: Snakemake's default profile
LIBRARY = Path(__file__).resolve().parents[1]  # the runrisk package that ran, recorded as src/runrisk/...


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def canonical_config_hash(config: dict) -> str:
    text = json.dumps(config, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def files_under(root: Path, parts) -> list[Path]:
    found = []
    for part in parts:
        path = root / part
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return sorted(found)


def hashes(paths, root: Path) -> dict[str, str]:
    """SHA-256 by path: relative to the working directory, absolute for files outside it (a study's raw
    folder elsewhere on disk, as config's raw_dir names it)."""
    return {_name(Path(p), root): sha256(Path(p)) for p in sorted(map(str, paths))}


def _name(path: Path, root: Path) -> str:
    if path.is_absolute() and path.is_relative_to(root):
        return str(path.relative_to(root))
    return str(path)


def raw_inputs(raw_dir: Path, workdir: Path) -> dict[str, Path]:
    """Every file under raw_dir by the name the manifest gives it: a participant's files by their labels
    (<raw_dir>/c3d/<id>/c3d-2, as every output names them: a file's own name may hold a person's), any
    other file in a kind folder as other-<k>, and the study's CSVs and the simulator's files by path."""
    raw = Path(raw_dir)
    prefix = _name(raw, workdir)
    named: dict[str, Path] = {}
    for kind, extensions in {**TRIAL_KINDS, **WEARABLE_KINDS}.items():
        kind_dir = raw / kind
        if not kind_dir.is_dir():
            continue
        for folder in sorted((p for p in kind_dir.iterdir() if p.is_dir()), key=lambda p: p.name):
            labelled = labelled_files(raw, folder.name, {kind: extensions}, strict=False)
            named |= {f"{prefix}/{kind}/{folder.name}/{label}": path for path, label in labelled}
            others = sorted(p for p in folder.rglob("*") if p.is_file() and p not in {q for q, _ in labelled})
            named |= {f"{prefix}/{kind}/{folder.name}/other-{k}": path for k, path in enumerate(others, 1)}
        loose = sorted((p for p in kind_dir.iterdir() if p.is_file()), key=lambda p: p.name)
        named |= {f"{prefix}/{kind}/other-{k}": path for k, path in enumerate(loose, 1)}
    named |= mri_inputs(raw, prefix)
    in_kinds = {raw / kind for kind in {**TRIAL_KINDS, **WEARABLE_KINDS, MRI_KIND: ()}}
    for path in sorted(raw.rglob("*")):
        if path.is_file() and not in_kinds & set(path.parents):
            named[_name(path, workdir)] = path
    return named


def mri_inputs(raw: Path, prefix: str) -> dict[str, Path]:
    """The MRI files by the labels the tendon rule names them by (mri-<n>, io.mri.label_of): scanners and
    PACS exports name files by the patient's name, an accession number or the study's UIDs."""
    named: dict[str, Path] = {}
    kind_dir = raw / MRI_KIND
    if not kind_dir.is_dir():
        return named
    for folder in sorted(p for p in kind_dir.iterdir() if p.is_dir()):
        files = sorted(p for p in folder.rglob("*") if p.is_file())  # in label_of's order: mri-1, mri-2 ...
        named |= {f"{prefix}/{MRI_KIND}/{folder.name}/mri-{k}": path for k, path in enumerate(files, 1)}
    loose = sorted(p for p in kind_dir.iterdir() if p.is_file())
    named |= {f"{prefix}/{MRI_KIND}/other-{k}": path for k, path in enumerate(loose, 1)}
    return named


def code_revision(code_root: Path) -> dict:
    """The git commit of the code that ran and whether it differed from that commit (tracked files
    changed): {"commit": "unknown", "dirty": None} outside a git checkout or without git."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(code_root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=30, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(code_root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown", "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}


def software_versions() -> dict[str, str]:
    """Python and every installed distribution with its version (transitive ones too: patsy, formulaic,
    autograd ... change numbers as surely as the libraries the code imports)."""
    versions = {"python": platform.python_version()}
    for dist in sorted(metadata.distributions(), key=lambda d: (d.metadata["Name"] or "").lower()):
        if dist.metadata["Name"]:
            versions[dist.metadata["Name"]] = dist.version
    return versions


def build_manifest(
    config: dict, inputs: dict[str, Path], outputs: list, code_root: Path, workdir: Path, key_fingerprint: str = ""
) -> dict:
    """Everything an auditor needs to re-derive and verify the results (no times, no host names). The
    pseudonym key is recorded by its fingerprint: a rerun with another key gives other pseudonyms, and the
    manifests say so."""
    return {
        "config_sha256": canonical_config_hash(config),
        "config": config,
        "pseudonym_key": {"fingerprint": key_fingerprint, "demo": key_fingerprint == demo_key_fingerprint()},
        "code_revision": code_revision(code_root),
        "software": software_versions(),
        "platform": {
            "system": platform.system(),
            "machine": platform.machine(),
            "implementation": platform.python_implementation(),
        },
        # a symbolic link to nothing is listed, with no digest: the quarantine table says what it is
        "inputs": {name: sha256(path) if path.exists() else None for name, path in sorted(inputs.items())},
        "code": {
            **{str(p.relative_to(code_root)): sha256(p) for p in files_under(code_root, WORKFLOW_PARTS)},
            **{f"src/runrisk/{p.relative_to(LIBRARY)}": sha256(p) for p in files_under(LIBRARY, ["."])},
        },
        "outputs": hashes(outputs, workdir),
    }


def demo_key_fingerprint() -> str:
    return key_fingerprint(DEMO_PSEUDONYM_KEY.encode())


def audit(manifest_path: Path, workdir: Path, code_root: Path | None = None) -> list[str]:
    """Differences between the manifest and the files as they are now, one line each."""
    manifest = json.loads(manifest_path.read_text())
    problems = []
    sections = [("inputs", workdir), ("outputs", workdir)] + ([("code", code_root)] if code_root else [])
    raw = raw_inputs(workdir / manifest["config"]["raw_dir"], workdir)
    for section, root in sections:
        for name, expected in manifest[section].items():
            path = raw.get(name, workdir / "\0missing") if section == "inputs" else root / name
            if expected is None and name in raw and not path.exists():  # a link to nothing, then as now
                continue
            if not path.is_file():
                problems.append(f"{section}: {name} is missing")
            elif (actual := sha256(path)) != expected:
                problems.append(f"{section}: {name} differs (manifest {expected[:12]}, now {actual[:12]})")
    results = workdir / "results"
    listed = {name for name in manifest["outputs"]} | {
        str(manifest_path.relative_to(workdir)) if manifest_path.is_relative_to(workdir) else ""
    }
    for path in sorted(p for p in results.rglob("*") if p.is_file() and not NOT_STUDY_OUTPUTS & set(p.parts)):
        name = str(path.relative_to(workdir))
        if name not in listed:
            problems.append(f"outputs: {name} is not in the manifest")
    return problems


MANIFEST_SECTIONS = ("config", "inputs", "code", "outputs")
# folders under results/ that are not the study's outputs: the manifest itself, per-shard intermediates,
# the power study (its own target) and one runner's screening pages (made later, from screening_model.json)
NOT_STUDY_OUTPUTS = {"provenance", "shards", "montecarlo", "screening"}


def unreadable_manifest(path: Path) -> str | None:
    """Why the file cannot be audited against (None when it can)."""
    if not path.is_file():
        return (
            f"no manifest at {path}: a completed `snakemake` run writes results/provenance/manifest.json; "
            "pass its path, or --workdir for a study elsewhere"
        )
    try:
        manifest = json.loads(path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return f"{path} is not a runrisk manifest: not JSON ({type(error).__name__})"
    missing = [key for key in MANIFEST_SECTIONS if not isinstance(manifest, dict) or key not in manifest]
    if missing:
        return f"{path} is not a runrisk manifest: no {', '.join(missing)} section"
    return None


def other_commit(manifest: dict, code_root: Path) -> str | None:
    """Why a checkout is not the code that made the results (None when it is, or when either is unknown)."""
    made_by = manifest.get("code_revision", {}).get("commit", "unknown")
    here = code_revision(code_root)["commit"]
    if "unknown" in (made_by, here) or made_by == here:
        return None
    return (
        f"the results were made by commit {made_by[:12]}, the checkout at {code_root} is commit {here[:12]}: "
        f"run `git checkout {made_by[:12]}` there, then audit again"
    )


def rerun(manifest: dict, code_root: Path, workdir: Path, cores: int) -> list[str]:
    """Run the workflow again from the manifest's config alone in a temporary directory (raw files: the
    study's own, or the embedded default's written anew) and compare every output's hash."""
    made_with = manifest.get("pseudonym_key", {}).get("fingerprint")
    if made_with and made_with != key_fingerprint():
        return [
            f"rerun: the results' pseudonyms were made with the key of fingerprint {made_with}, and the key set here "
            f"has {key_fingerprint()}: set the study's own key (RUNRISK_PSEUDONYM_KEY or RUNRISK_PSEUDONYM_KEY_FILE)"
        ]
    with tempfile.TemporaryDirectory(prefix="runrisk-rerun-") as scratch:
        scratch = Path(scratch)
        for part in RERUN_PARTS:
            source = code_root / part
            if source.is_symlink():
                (scratch / part).symlink_to(source.readlink())
            elif source.is_dir():
                shutil.copytree(source, scratch / part)
            elif source.is_file():
                shutil.copy2(source, scratch / part)
        config = dict(manifest["config"])
        if not config["simulate"]["enabled"]:
            config["raw_dir"] = str((workdir / config["raw_dir"]).resolve())
        (scratch / "config" / "rerun.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
        command = [sys.executable, "-m", "snakemake", "--cores", str(cores), "--configfile", "config/rerun.yaml"]
        result = subprocess.run(command, cwd=scratch, capture_output=True, text=True)
        if result.returncode != 0:
            last = [line for line in result.stderr.splitlines() if line.strip()][-1:]
            return [f"rerun: the workflow stopped (exit {result.returncode}): {' '.join(last)}"]
        problems = []
        for name, expected in sorted(manifest["outputs"].items()):
            path = scratch / name
            if not path.is_file():
                problems.append(f"rerun: {name} was not produced")
            elif (actual := sha256(path)) != expected:
                problems.append(f"rerun: {name} differs (manifest {expected[:12]}, rerun {actual[:12]})")
        return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="runrisk-audit", description="Re-hash a study's files against its manifest.")
    parser.add_argument("manifest", nargs="?", default="results/provenance/manifest.json", type=Path)
    parser.add_argument("--workdir", default=Path("."), type=Path, help="the study's working directory")
    parser.add_argument("--code", type=Path, help="also check the workflow code at this checkout")
    parser.add_argument(
        "--rerun",
        action="store_true",
        help="run the workflow again from the manifest's config in a temporary directory with the code at --code "
        "(default: this installation's checkout) and compare every output's hash",
    )
    parser.add_argument("--cores", type=int, default=2, help="cores for --rerun")
    args = parser.parse_args(argv)
    if (unreadable := unreadable_manifest(args.manifest)) is not None:
        print(f"runrisk-audit: {unreadable}", file=sys.stderr)
        return 2
    manifest = json.loads(args.manifest.read_text())
    code_root = args.code or (LIBRARY.parents[1] if args.rerun else None)
    code = code_root.resolve() if code_root is not None else None
    if code is not None and (different := other_commit(manifest, code)) is not None:
        print(f"runrisk-audit: {different}", file=sys.stderr)
        return 2
    problems = audit(args.manifest.resolve(), args.workdir.resolve(), code)
    if args.rerun:
        problems += rerun(manifest, code, args.workdir.resolve(), args.cores)
    checked = len(manifest["inputs"]) + len(manifest["outputs"]) + (len(manifest["code"]) if code else 0)
    for line in problems:
        print(line)
    print(
        f"{checked} files checked against {args.manifest}: "
        f"{'all match' if not problems else f'{len(problems)} difference(s)'}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
