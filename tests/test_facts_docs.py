"""The docs show the stylized-fact registry exactly as sim/facts.py holds it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim import facts

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("doc", ["README.md", "docs/ODD.md"])
def test_docs_table_is_generated_from_the_registry(doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    found = re.search(r"<!-- stylized-facts:begin[^>]*-->\n(.*?)\n<!-- stylized-facts:end -->", text, flags=re.S)
    assert found, f"{doc} has no generated stylized-facts table"
    assert found.group(1) == facts.registry_table(), f"{doc}: paste the output of `python -m sim.facts`"
