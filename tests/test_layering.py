"""Imports run one way: no circle in ``sim/`` and ``experiments/``, and each floor imports only floors below it.

Every import is counted, at module level or inside a function. Floors of ``experiments/``,
top to bottom: the entry points and Hydra hooks; analysis, plotting and dashboard; the
run-level modules; then ``sim``, which never imports ``experiments``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("sim", "experiments", "hydra_plugins")

ENTRY = {"experiments.run", "experiments.plot", "experiments.callbacks", "experiments.dashboard.cli",
         "experiments.report", "hydra_plugins.groupsim_design_sweeper"}
"""Entry points (commands) and the Hydra hooks that glue analysis, figures and runs together."""
MIDDLE = ("experiments.analysis", "experiments.plotting", "experiments.dashboard")
"""Packages above the run-level modules (may import each other, never in a circle)."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


def imported(tree: ast.AST, name: str, is_package: bool, known: set[str]) -> set[str]:
    """The project modules a module's source imports, anywhere in it (a module's nearest known name)."""
    out = set()
    base = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            parent = node.module or ""
            if node.level:
                anchor = base.split(".")[: len(base.split(".")) - node.level + 1]
                parent = ".".join(anchor + ([node.module] if node.module else []))
            # ``from package import module`` names the module; ``from package import name``, the package
            targets = [f"{parent}.{a.name}" if f"{parent}.{a.name}" in known else parent for a in node.names]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def import_graph() -> nx.DiGraph:
    modules = project_modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        for target in imported(tree, name, path.name == "__init__.py", set(modules)):
            graph.add_edge(name, target)
    return graph


def floor(module: str) -> int:
    """3: entry points and hooks; 2: analysis, plotting, dashboard; 1: run-level; 0: sim."""
    if module in ENTRY or module.startswith("hydra_plugins"):
        return 3
    if module.startswith(MIDDLE):
        return 2
    if module.startswith("experiments"):
        return 1
    return 0


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    return import_graph()


def test_the_graph_sees_module_and_function_level_imports():
    tree = ast.parse("from experiments import results\n\ndef f():\n    from sim.params import ParamError\n")
    known = {"experiments", "experiments.results", "sim", "sim.params"}
    assert imported(tree, "experiments.x", False, known) == {"experiments.results", "sim.params"}
    tree = ast.parse("from sim import GroupCultureModel\n")
    assert imported(tree, "experiments.x", False, known) == {"sim"}


def test_no_import_circle(graph):
    cycles = sorted(" -> ".join(c + [c[0]]) for c in nx.simple_cycles(graph))
    assert not cycles, "import circles:\n" + "\n".join(cycles)


def test_sim_never_imports_experiments(graph):
    upward = sorted(f"{a} -> {b}" for a, b in graph.edges if a.startswith("sim") and not b.startswith("sim"))
    assert not upward, upward


def test_each_floor_imports_only_floors_below_or_its_own(graph):
    upward = sorted(f"{a} -> {b}" for a, b in graph.edges
                    if floor(b) > floor(a) and b not in ("experiments", "sim"))
    assert not upward, "imports that point up:\n" + "\n".join(upward)


def test_run_level_modules_are_below_analysis_plotting_and_dashboard(graph):
    run_level = [m for m in graph if floor(m) == 1 and m != "experiments"]
    assert {"experiments.config", "experiments.results", "experiments.errors"} <= set(run_level)
    for module in run_level:
        reach = nx.descendants(graph, module)
        assert not [m for m in reach if floor(m) > 1], f"{module} reaches {sorted(m for m in reach if floor(m) > 1)}"


def test_a_project_import_inside_a_function_is_deferred_for_start_up_speed_and_says_so():
    """Only the command line's fast answers may defer a project import; the line or the one above says so."""
    hidden = []
    for name, path in project_modules().items():
        lines = path.read_text().splitlines()
        for function in ast.walk(ast.parse(path.read_text())):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)) and (
                        (node.module or "") if isinstance(node, ast.ImportFrom) else node.names[0].name
                ).startswith(PACKAGES):
                    said = " ".join(lines[max(node.lineno - 3, 0):node.lineno])
                    if "start-up speed" not in said:
                        hidden.append(f"{name}:{node.lineno}")
    assert not hidden, hidden
