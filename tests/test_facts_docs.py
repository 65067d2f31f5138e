"""The docs show the stylized-fact registry exactly as sim/facts.py holds it (a block of groupsim-report)."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments import report
from sim import facts

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("doc", ["README.md", "docs/ODD.md"])
def test_docs_table_is_generated_from_the_registry(doc):
    found = [b for b in report.blocks(ROOT, doc) if b.name == "facts"]
    assert found, f"{doc} has no generated stylized-facts table"
    assert found[0].body == facts.registry_table() + "\n", f"{doc}: run `groupsim-report`"
