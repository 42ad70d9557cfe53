"""runrisk's T2* fits against a second, well-kept implementation on the same voxels: ukat's T2* mapper
(UKRIN kidney MRI toolbox, ukat.mapping.t2star), in an environment of its own.

    python benchmarks/t2star_ukat.py [--voxels 1000] [--env benchmarks/ukat/.venv] [--out benchmarks/results]

ukat pins scipy < 1.12 and scikit-learn 1.2, so it cannot share runrisk's environment: the first run
builds benchmarks/ukat/.venv from the hash-checked benchmarks/ukat/requirements.lock (ukat without its
TensorFlow/dipy extras, which its T2* mapper does not use; see benchmarks/ukat/fit.py). The phantoms:
mono-exponential decay, 8 echoes 1.5-15.5 ms, Rician noise, T2* 5-40 ms, SNR 20-200.

Per voxel, runrisk's fit against ukat's of the same name (runrisk `offset` has no twin in ukat): the
median and the 2.5-97.5 % range of the relative difference (ours / ukat - 1) over voxels both fitted; and
each method's bias of the median against the true T2*. Writes t2star_ukat.csv.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from runrisk.tendon.study import TendonSettings
from runrisk.tendon.t2star import fit_t2star

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # the tests' config helpers
from workflow_runner import schema_defaults  # noqa: E402

ACCEPT = TendonSettings.from_config(schema_defaults()["tendon"]).acceptance
TE = np.linspace(1.5, 15.5, 8)
T2STARS, SNRS = (5.0, 10.0, 20.0, 40.0), (20.0, 50.0, 100.0, 200.0)
PAIRS = {"rician": "2p_exp", "loglinear": "loglin"}  # ours -> ukat's nearest


def reference_env(env: Path) -> Path:
    python = env / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
        lock = HERE / "ukat" / "requirements.lock"
        install = [str(python), "-m", "pip", "install", "-q", "--require-hashes", "--no-deps", "-r", str(lock)]
        subprocess.run(install, check=True, capture_output=True)
    return python


def phantoms(voxels: int) -> dict[str, tuple[np.ndarray, float]]:
    made = {}
    for t2star in T2STARS:
        for snr in SNRS:
            rng = np.random.default_rng([int(t2star), int(snr), 7])
            sigma = 1000.0 / snr
            clean = 1000.0 * np.exp(-TE / t2star)
            noise = rng.normal(0, sigma, (voxels, TE.size)) + 1j * rng.normal(0, sigma, (voxels, TE.size))
            made[f"{t2star:g}|{snr:g}"] = (np.abs(clean + noise), sigma)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voxels", type=int, default=1000)
    parser.add_argument("--env", type=Path, default=HERE / "ukat" / ".venv")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    python = reference_env(args.env)
    made = phantoms(args.voxels)
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "phantoms.npz", Path(folder) / "ukat.npz"
        np.savez(source, te=TE, **{key: signal for key, (signal, _) in made.items()})
        fit = [str(python), str(HERE / "ukat" / "fit.py"), str(source), str(target)]
        subprocess.run(fit, check=True, capture_output=True)
        theirs = dict(np.load(target))
    rows = []
    for key, (signal, sigma) in made.items():
        t2star, snr = (float(v) for v in key.split("|"))
        for ours_name, their_name in PAIRS.items():
            ours = fit_t2star(signal, TE, ours_name, sigma=sigma, acceptance=ACCEPT)
            reference = theirs[f"{key}|{their_name}"]
            both = ours.fitted & (reference > 0)  # ukat writes 0 where a fit failed or hit its bounds
            relative = ours.t2star_ms[both] / reference[both] - 1
            rows.append(
                {
                    "t2star_ms": t2star,
                    "snr": snr,
                    "ours": ours_name,
                    "ukat": their_name,
                    "voxels_both": int(both.sum()),
                    "median_rel_diff_pct": 100 * float(np.median(relative)),
                    "rel_diff_p2_5_pct": 100 * float(np.percentile(relative, 2.5)),
                    "rel_diff_p97_5_pct": 100 * float(np.percentile(relative, 97.5)),
                    "ours_bias_pct": 100 * (float(np.median(ours.t2star_ms[ours.fitted])) / t2star - 1),
                    "ukat_bias_pct": 100 * (float(np.median(reference[reference > 0])) / t2star - 1),
                }
            )
    table = pd.DataFrame(rows)
    print(table.round(2).to_string(index=False))
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "t2star_ukat.csv", index=False)


if __name__ == "__main__":
    main()
