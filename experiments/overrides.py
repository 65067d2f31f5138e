"""Checks of the command line's overrides, before Hydra composes anything.

Refused, each in one line: a key given twice, a ``+key`` the schema does not know
(``+sede=5``, with the nearest key), a run-level switch that is not ``true``/``false``
(``resume=2``), an empty output path (``hydra.run.dir=``) and a sweep (``seed=1,2,3``)
without ``-m``. Syntax errors are left to Hydra (see :mod:`experiments.errors`).
"""

from __future__ import annotations

from typing import Any, Dict, List

from hydra.core.override_parser.overrides_parser import OverridesParser

from experiments.errors import OverrideError, unknown_key
from experiments.schema import BOOLEAN_RUN_KEYS, allowed_keys

PATH_KEYS = ("hydra.run.dir", "hydra.sweep.dir", "hydra.sweep.subdir", "hydra.job_logging.handlers.file.filename")


def check_overrides(overrides: List[str], multirun: bool = True) -> None:
    """Raise :class:`OverrideError` for an override that would run the wrong thing (see the module)."""
    parsed = OverridesParser.create().parse_overrides(overrides)
    seen: Dict[str, str] = {}
    for override, text in zip(parsed, overrides, strict=True):
        key = override.key_or_group
        if key in seen:
            raise OverrideError(f"{key} is given twice ({seen[key]} and {text}): allowed once")
        seen[key] = text
        if override.is_delete():
            continue
        if (override.is_add() or override.is_force_add()) and not key.startswith("hydra") and not _known(key):
            raise OverrideError(unknown_key(key))
        if override.is_sweep_override() and not multirun:
            raise OverrideError(f"{text} sweeps over several values: allowed with -m (groupsim -m {text} ...),"
                                " or one value for a single run")
        values = _values(override)
        if key in BOOLEAN_RUN_KEYS and not all(isinstance(v, bool) for v in values):
            raise OverrideError(f"{text}: allowed {key}=true or {key}=false")
        if key in PATH_KEYS and any(v is None or str(v).strip() == "" for v in values):
            raise OverrideError(f"{key} is empty: allowed a directory path")


def _values(override: Any) -> List[Any]:
    """The value(s) of an override: every choice of a simple sweep, else the one value."""
    if override.is_sweep_override() and not override.is_discrete_sweep():
        return []  # range() and interval() sweeps are numeric: typed by the schema
    return list(override.sweep_iterator()) if override.is_sweep_override() else [override.value()]


def _known(key: str) -> bool:
    section, _, name = key.rpartition(".")
    allowed = allowed_keys(section)
    if allowed is None:  # a free mapping (charter_mix, charters) or not a schema section
        return _is_free_mapping(section)
    return name in allowed


def _is_free_mapping(section: str) -> bool:
    parent, _, _ = section.rpartition(".")
    return section in ("groups.charter_mix", "charters") or parent == "charters"
