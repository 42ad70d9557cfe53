"""Run inside the ukat reference environment (benchmarks/ukat/requirements.lock): ukat's own T2* mapper,
ukat.mapping.t2star.T2Star, on the phantoms t2star_ukat.py wrote.

    python fit.py phantoms.npz ukat.npz

ukat's top-level package imports every mapping it has (dipy, renalsegmentor and its TensorFlow), none of
which the T2* mapper uses: the two package modules are registered bare, so that ukat/mapping/t2star.py
and its fitting module run exactly as shipped.
"""

import importlib.util
import sys
import types
from pathlib import Path

import numpy as np

root = Path(importlib.util.find_spec("ukat").submodule_search_locations[0])
for name, path in (("ukat", root), ("ukat.mapping", root / "mapping")):
    package = types.ModuleType(name)
    package.__path__ = [str(path)]
    sys.modules[name] = package

from ukat.mapping.t2star import T2Star  # noqa: E402


def main(source: str, target: str) -> None:
    phantoms = np.load(source)
    te = phantoms["te"]
    maps = {}
    for key in phantoms.files:
        if key == "te":
            continue
        signal = phantoms[key][:, None, None, :]  # (voxels, 1, 1, echoes): ukat fits [x, y, z, TE]
        for method in ("2p_exp", "loglin"):
            fitted = T2Star(signal, te, np.eye(4), method=method, multithread=False)
            maps[f"{key}|{method}"] = fitted.t2star_map.ravel()
    np.savez(target, **maps)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
