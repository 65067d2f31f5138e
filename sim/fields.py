"""The dataclass field helper that gives every parameter its default, range and meaning."""

from __future__ import annotations

from dataclasses import field
from typing import Any, Optional


def ranged(default: Any, lo: Optional[float] = None, hi: Optional[float] = None, doc: str = ""):
    """A dataclass field with ``metadata={"range": (lo, hi), "doc": doc}`` (inclusive; None: unbounded)."""
    return field(default=default, metadata={"range": (lo, hi), "doc": doc})
