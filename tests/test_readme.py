"""The README is a newcomer's page: short, and every file it (or results/README.md) names exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from experiments import report

ROOT = Path(__file__).resolve().parents[1]
TOP = ("sim/", "experiments/", "configs/", "docs/", "benchmarks/", "tests/", "results/README.md", ".ci/")


def named_paths(text: str) -> set[str]:
    """Repository paths a Markdown page names: link targets and `code` spans under a top-level folder."""
    links = re.findall(r"\]\(([^)#\s]+)", text)
    spans = re.findall(r"`([^`\s]+)`", text)
    found = {p for p in links if not p.startswith(("http://", "https://"))}
    found |= {s.rstrip(".,:;") for s in spans if s.startswith(TOP)}
    return {p for p in found if not re.search(r"[<>*{}]|\.\.\.", p)}  # placeholders such as <date>


def test_the_readme_is_at_most_300_lines():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 300


@pytest.mark.parametrize("page", ["README.md", "results/README.md"])
def test_every_file_a_readme_names_exists(page):
    base = (ROOT / page).parent
    text = (ROOT / page).read_text(encoding="utf-8")
    paths = named_paths(text)
    assert paths, f"{page} names no file: the check would pass vacuously"
    missing = sorted(p for p in paths if not ((ROOT / p).exists() or (base / p).exists()))
    assert not missing, f"{page} names files that do not exist: {missing}"


def test_the_check_finds_a_missing_file():
    assert named_paths("see `sim/metrics.py` and [x](docs/NOPE.md)") == {"sim/metrics.py", "docs/NOPE.md"}


def test_the_readmes_results_are_generated_blocks_from_the_committed_findings():
    """The README quotes the stylized facts, the probes and the validation only through groupsim-report."""
    names = {b.name for b in report.blocks(ROOT, "README.md")}
    assert {"facts", "probes", "verdicts"} <= names, names
