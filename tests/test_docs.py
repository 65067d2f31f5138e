"""docs/ODD.md stays true to the code.

1. The parameter table equals what ``sim.params.parameter_table()`` gives now (re-run
   ``python docs/make_param_table.py`` after changing a default, a range or a description).
2. Every function named in a section-7 heading exists, every public function of
   ``sim.submodels`` is named in section 7, and every ``sim.…`` path the ODD names resolves.
3. The schedule (section 3) names every submodel that ``GroupCultureModel.step`` calls,
   directly or through the model's own methods (``visit``, ``_refresh_index``).
"""

from __future__ import annotations

import ast
import difflib
import importlib
import importlib.util
import inspect
import re
import textwrap
from pathlib import Path

import pytest
from numba.core.registry import CPUDispatcher

import sim.kernel
import sim.submodels
from sim.model import GroupCultureModel

ROOT = Path(__file__).resolve().parents[1]
ODD_PATH = ROOT / "docs" / "ODD.md"
ODD = ODD_PATH.read_text(encoding="utf-8")


def _load_table_script():
    spec = importlib.util.spec_from_file_location("make_param_table", ROOT / "docs" / "make_param_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def section(number: int) -> str:
    """The text of ODD section ``number`` (from its ``## N`` heading to the next ``## ``)."""
    match = re.search(rf"^## {number} .*?(?=^## |\Z)", ODD, flags=re.M | re.S)
    assert match, f"docs/ODD.md has no '## {number} ...' section"
    return match.group(0)


def resolve(dotted: str):
    """Import ``a.b.c.d`` as the longest importable module prefix plus attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)  # AttributeError names what is missing
        return obj
    raise ModuleNotFoundError(dotted)


def backticked_paths(text: str) -> list[str]:
    """Dotted ``sim.…`` names written in backticks."""
    return re.findall(r"`(sim(?:\.[A-Za-z_]\w*)+)`", text)


def names(text: str, name: str) -> bool:
    """``text`` names ``name`` as code: `name`, `sim.….name`, or a call name( ... )."""
    return bool(re.search(rf"`(?:[\w.]*\.)?{name}`|\b{name}\(", text))


# ------------------------------------------------------------------ 1. parameter table


def test_parameter_table_matches_the_code():
    script = _load_table_script()
    expected = script.render_table()
    actual = script.current_table(ODD)
    if actual != expected:
        diff = "\n".join(difflib.unified_diff(
            actual.splitlines(), expected.splitlines(), "docs/ODD.md", "parameter_table()", lineterm=""))
        pytest.fail("the parameter table in docs/ODD.md is out of date; run "
                    "`python docs/make_param_table.py`\n" + diff)


def test_parameter_table_lists_every_parameter_once():
    from sim.params import parameter_table

    table = _load_table_script().current_table(ODD)
    keys = re.findall(r"^\| `([\w.]+)` \|", table, flags=re.M)
    assert keys == [row["key"] for row in parameter_table()]


def test_table_script_check_mode_agrees(tmp_path):
    script = _load_table_script()
    stale = tmp_path / "ODD.md"
    stale.write_text(script.with_table(ODD, "| stale |\n"), encoding="utf-8")
    assert script.main(["--check", "--odd", str(stale)]) == 1
    assert script.main(["--odd", str(stale)]) == 0  # rewrites it
    assert script.main(["--check", "--odd", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == ODD


# ------------------------------------------------------------------ 2. submodels


SUBMODEL_HEADINGS = re.findall(r"^### 7\.\d+ .*$", section(7), flags=re.M)


def test_section_7_has_submodel_headings():
    assert len(SUBMODEL_HEADINGS) >= 10


@pytest.mark.parametrize("heading", SUBMODEL_HEADINGS)
def test_every_section_7_heading_names_functions_that_exist(heading):
    paths = backticked_paths(heading)
    assert paths, f"{heading!r} names no function in backticks (e.g. `sim.submodels.read`)"
    for path in paths:
        assert callable(resolve(path)), f"{path} in {heading!r} is not a function"


def _is_kernel_submodel(obj) -> bool:
    """A compiled function of sim.kernel (numba dispatchers are not Python functions)."""
    return isinstance(obj, CPUDispatcher) and obj.py_func.__module__ == "sim.kernel"


PUBLIC_SUBMODELS = sorted(
    [f"sim.submodels.{name}" for name, fn in inspect.getmembers(sim.submodels, inspect.isfunction)
     if fn.__module__ == "sim.submodels" and not name.startswith("_")]
    + [f"sim.kernel.{name}" for name, fn in inspect.getmembers(sim.kernel, _is_kernel_submodel)
       if not name.startswith("_") and name != "hours"]
)


@pytest.mark.parametrize("path", PUBLIC_SUBMODELS)
def test_every_public_submodel_function_is_named_in_section_7(path):
    assert path in backticked_paths(section(7)), (
        f"{path} is not named in docs/ODD.md section 7 (write `{path}`)"
    )


def test_every_sim_path_named_in_the_odd_resolves():
    for path in sorted(set(backticked_paths(ODD))):
        resolve(path)


# ------------------------------------------------------------------ 3. schedule


def _called_names(function) -> set[str]:
    """Names called in ``function``: bare calls f(...) and self.method(...)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    calls = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                calls.add(node.func.id)
            elif (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                  and node.func.value.id == "self"):
                calls.add("self." + node.func.attr)
    return calls


def kernel_submodels() -> set[str]:
    """sim.kernel's compiled submodels that its hours kernel calls, directly or through others.

    Private helpers (a leading underscore, such as the prefetching of the next sessions) are
    followed but are not submodels.
    """
    found, todo = set(), [sim.kernel.hours.py_func]
    while todo:
        for name in _called_names(todo.pop()):
            fn = getattr(sim.kernel, name, None)
            if _is_kernel_submodel(fn) and name not in found:
                found.add(name)
                todo.append(fn.py_func)
    return {name for name in found if not name.startswith("_")}


def submodels_in_schedule() -> set[str]:
    """Submodels called by GroupCultureModel.step, following self.<method> and into the kernel."""
    import sim.model

    found, todo, seen = set(), ["step"], set()
    while todo:
        method = todo.pop()
        seen.add(method)
        for name in _called_names(getattr(GroupCultureModel, method)):
            if name.startswith("self."):
                attr = name[5:]
                if attr not in seen and inspect.isfunction(getattr(GroupCultureModel, attr, None)):
                    todo.append(attr)
                continue
            fn = getattr(sim.model, name, None)
            if inspect.isfunction(fn) and fn.__module__ == "sim.submodels":
                found.add(name)
            elif fn is sim.kernel.simulate_hours:
                found |= kernel_submodels()
    return found


def test_schedule_parser_finds_the_core_submodels():
    assert {"go_online", "choose_group", "read", "post", "reply", "update_commitment",
            "join", "leave", "classify_groups", "refresh_session_rates"} <= submodels_in_schedule()


@pytest.mark.parametrize("name", sorted(submodels_in_schedule()))
def test_schedule_section_names_every_submodel_of_step(name):
    assert names(section(3), name), (
        f"GroupCultureModel.step calls {name} but docs/ODD.md section 3 does not name it"
    )
