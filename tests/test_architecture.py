"""The house rules of the code, checked: layers point one way, the library knows no Snakemake, scripts
are thin, and every module sits in the room its subpackage names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml
from workflow_runner import ROOT

LIBRARY = ROOT / "src" / "runrisk"
# A module may import its own layer and the layers below it, never above.
LAYERS = {
    "core": 0,  # errors, ids, config, scriptio: what every layer uses
    "io": 1,
    "biomech": 2,
    "tendon": 2,  # the MRI of the tendon: reads through io, measures by itself
    "cohort": 3,
    "simulate": 3,
    "stats": 4,
    "power": 5,  # study planning: simulated cohorts through the study's own code (simulate, cohort, stats)
    "report": 5,
    "screening": 5,  # one runner against a study's model: measures with cohort, predicts with stats
    "monitor": 6,  # a squad's season: reads through io, signals of its own, the study model through screening
    "cli": 7,  # the runrisk command: init, the intake check, screen, monitor
}
CORE_MODULES = {"errors", "ids", "config", "scriptio"}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT / "src").with_suffix("").parts).removesuffix(".__init__")


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names if node.module == "runrisk")
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def layer_of(module: str) -> str:
    part = module.split(".")[1] if module.count(".") else ""
    return "core" if part in CORE_MODULES or part == "" else part


def library_graph() -> dict[str, set[str]]:
    graph = {}
    for path in sorted(LIBRARY.rglob("*.py")):
        graph[module_name(path)] = {m for m in imports_of(path) if m == "runrisk" or m.startswith("runrisk.")}
    return graph


def test_every_library_module_sits_in_a_known_layer():
    strays = [m for m in library_graph() if layer_of(m) not in LAYERS]
    assert strays == []
    top_level = sorted(p.stem for p in LIBRARY.glob("*.py") if p.stem != "__init__")
    assert set(top_level) <= CORE_MODULES, "domain code belongs in a subpackage"


def test_layers_point_one_way():
    upward = [
        f"{module} imports {target}"
        for module, targets in library_graph().items()
        for target in targets
        if target != "runrisk" and LAYERS[layer_of(target)] > LAYERS[layer_of(module)]
    ]
    assert upward == []


def test_the_statistics_depend_on_no_simulation():
    """The analysis's statistics (where the paper's tables live) import no simulator: the power study,
    which draws cohorts from it, is a room of its own."""
    graph = library_graph()
    stats = {m: t for m, t in graph.items() if layer_of(m) == "stats"}
    assert stats and all(not any(layer_of(x) == "simulate" for x in targets) for targets in stats.values())
    assert any(layer_of(x) == "simulate" for x in graph["runrisk.power.montecarlo"])


def test_no_import_cycles():
    graph = library_graph()
    modules = set(graph)

    def resolve(target: str) -> str | None:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        return target or None

    edges = {m: {r for t in targets if (r := resolve(t)) and r != m} for m, targets in graph.items()}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return [*path, node, nxt]
            if nxt not in state and (cycle := visit(nxt, [*path, node])):
                return cycle
        state[node] = 2
        return None

    cycles = [cycle for m in sorted(modules) if m not in state and (cycle := visit(m, []))]
    assert cycles == []


def test_the_library_never_imports_snakemake():
    users = [
        m
        for m, imports in ((module_name(p), imports_of(p)) for p in LIBRARY.rglob("*.py"))
        if any(i == "snakemake" or i.startswith("snakemake.") for i in imports)
    ]
    assert users == []


def test_scripts_are_thin_and_import_only_the_library():
    for script in sorted((ROOT / "scripts").glob("*.py")):
        tree = ast.parse(script.read_text())
        functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
        assert sum(len(ast.unparse(f).splitlines()) for f in functions) < 60, script.name
        assert not any(i.startswith("scripts") or i.startswith("snakemake") for i in imports_of(script)), script.name


def test_the_monitor_pages_only_display_what_triage_decides():
    """What needs attention (the rules, their thresholds) lives in monitor.triage, beside the load signals;
    the page module defines no rule and no threshold of its own, and triage knows no markup or words."""
    page = ast.parse((LIBRARY / "monitor" / "page.py").read_text())
    functions = {n.name for n in page.body if isinstance(n, ast.FunctionDef)}
    assert functions.isdisjoint({"attention", "ordered", "recent", "spikes", "verdict", "talk_about"})
    constants = {
        target.id
        for node in page.body
        if isinstance(node, ast.Assign) and isinstance(getattr(node.value, "value", None), int | float)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert constants.isdisjoint({"RECENT_WEEKS", "HIGH_ACWR", "PAIN_ATTENTION"})
    triage = imports_of(LIBRARY / "monitor" / "triage.py")
    assert not {"jinja2", "yaml", "runrisk.monitor.page"} & triage


def test_test_only_code_lives_in_tests():
    assert not (LIBRARY / "project.py").exists()
    assert "undocumented_keys" not in (LIBRARY / "config.py").read_text()


def test_one_version_in_pyproject_package_citation_and_changelog():
    import tomllib

    import runrisk

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    released = re.findall(r"^## (\d+\.\d+\.\d+) \(", (ROOT / "CHANGELOG.md").read_text(), flags=re.M)
    assert runrisk.__version__ == version == str(citation["version"]) == released[0]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
