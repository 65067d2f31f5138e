"""How many seeds each preset needs, from its own committed per-seed data (experiments/README.md).

The rule (experiments/README.md, "How many seeds"): to detect a change of ``delta`` with a
two-sided 5% test and 80% power takes ``n = ((z_0.975 + z_0.8) x SD / delta)^2`` seeds
(:func:`seeds_needed`), where SD is the standard deviation over seeds of the paired
difference (two arms at the same seed) or, for a one-sample check such as validate, of the
measure itself. ``delta`` is 5 points of share thriving unless a preset asks another
question (:data:`PRESETS`).

:func:`needs` reads a preset's findings frame (one row per job, or per seed and arm) and
returns, per comparison the preset makes, the SD over seeds and the seeds it needs; the
report (``groupsim-report``, block ``seed-power``) sets these beside each preset's seed
list (:func:`preset_seeds`), so a preset whose seeds fall short says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from statistics import NormalDist
from typing import Callable, Dict

import pandas as pd
from omegaconf import OmegaConf

from experiments.analysis import hysteresis
from experiments.analysis.outputs import FACT_RANGES
from experiments.schema import ValidateKeys

Z = NormalDist().inv_cdf(0.975) + NormalDist().inv_cdf(0.8)
"""z for a two-sided 5% test plus z for 80% power."""
THRIVING = "share_thriving"


def seeds_needed(sd: float, delta: float) -> float:
    """Seeds for a two-sided 5% test with 80% power to detect ``delta`` when paired differences have SD ``sd``."""
    if not (math.isfinite(sd) and math.isfinite(delta) and delta > 0):
        return math.nan
    return float(max(3, math.ceil((Z * sd / delta) ** 2)))


def _against(column: str, baseline: str, outcome: str) -> Callable[[pd.DataFrame], Dict[str, pd.Series]]:
    """Each value of ``column`` minus ``baseline`` at the same seed (ablations, interventions, defunct shares)."""
    def differences(frame: pd.DataFrame) -> Dict[str, pd.Series]:
        arms = frame[["seed", outcome]].assign(arm=frame[column].astype(str))
        wide = arms.pivot_table(index="seed", columns="arm", values=outcome)
        base = str(baseline)
        return {f"{arm} - {base}": wide[arm] - wide[base] for arm in wide.columns if arm != base}
    return differences


def _neighbours(column: str, within: str) -> Callable[[pd.DataFrame], Dict[str, pd.Series]]:
    """Neighbouring values of ``column`` at the same seed, within each value of ``within``."""
    def differences(frame: pd.DataFrame) -> Dict[str, pd.Series]:
        out = {}
        for group, part in frame.groupby(within):
            wide = part.pivot_table(index="seed", columns=column, values=THRIVING).sort_index(axis=1)
            for a, b in zip(wide.columns[:-1], wide.columns[1:], strict=True):
                out[f"{within}={group}: {b:g} - {a:g}"] = wide[b] - wide[a]
        return out
    return differences


def _hysteresis(frame: pd.DataFrame) -> Dict[str, pd.Series]:
    """The report's pairs of ``experiment=attention_hysteresis`` (overloaded first minus never), per rule."""
    out = {}
    frame = frame[["seed", "behaviour.attention_capacity", THRIVING]].assign(cell=hysteresis.cell_names(frame))
    for rule, part in frame.groupby("behaviour.attention_capacity"):
        wide = part.pivot_table(index="seed", columns="cell", values=THRIVING)
        for over, never in hysteresis.PAIRS:
            if {over, never} <= set(wide.columns):
                out[f"capacity {rule}: {over} - {never}"] = wide[over] - wide[never]
    return out


def _charter_cells(frame: pd.DataFrame) -> Dict[str, pd.Series]:
    """charter_vs_size: charters at the same size, and neighbouring sizes of one charter, at the same seed."""
    wide = frame.pivot_table(index="seed", columns=["groups/charter_mix", "groups.size_median"], values=THRIVING)
    charters = sorted(set(wide.columns.get_level_values(0)))
    sizes = sorted(set(wide.columns.get_level_values(1)))
    out = {f"{a} - {b} at {s:g}": wide[(a, s)] - wide[(b, s)] for s in sizes for a, b in combinations(charters, 2)}
    out.update({f"{c}: {b:g} - {a:g}": wide[(c, b)] - wide[(c, a)] for c in charters
                for a, b in zip(sizes[:-1], sizes[1:], strict=True)})
    return out


CALIBRATION_MEASURES = {"S1": "stylized_facts.S1.value", "S2": "stylized_facts.S2.value",
                        "S3_posts": "stylized_facts.S3.measures.posts.value",
                        "S3_replies": "stylized_facts.S3.measures.replies.value"}
"""validate's one-sample checks: each calibration measure's column in the sweep summary."""


def _validation(frame: pd.DataFrame) -> Dict[str, pd.Series]:
    """validate: each calibration measure per seed (one-sample: its own spread is the SD)."""
    return {name: frame.set_index("seed")[column] for name, column in CALIBRATION_MEASURES.items()
            if column in frame}


def _tenth_of_range(name: str) -> float:
    low, high = FACT_RANGES[name]
    return (high - low) / 10


@dataclass(frozen=True)
class Preset:
    """One preset's power question: what it compares, on what outcome, and the change it must detect."""

    config: str  # configs/experiment/<config>.yaml
    compared: str
    outcome: str
    differences: Callable[[pd.DataFrame], Dict[str, pd.Series]]
    delta: Callable[[str], float] = lambda _name: 0.05  # noqa: E731
    shares: bool = True
    """The outcome is a share (reported in points, one row per preset); else each measure in its own unit."""


PRESETS: Dict[str, Preset] = {
    "charter_vs_size_runs": Preset("charter_vs_size", "two cells (charter x size) at the same seed: charters at one"
                                   " size, and neighbouring sizes of one charter", "share thriving, 5 points",
                                   _charter_cells),
    "attention_tipping_point": Preset("attention_tipping_point", "neighbouring groups.count values at the same seed,"
                                      " per attention rule", "share thriving, 5 points",
                                      _neighbours("groups.count", "behaviour.attention_capacity")),
    "attention_hysteresis": Preset("attention_hysteresis", "the report's two pairs (overloaded first minus never"
                                   " overloaded) at the same seed, per attention rule", "share thriving, 5 points",
                                   _hysteresis),
    "trait_ablation": Preset("trait_ablation", "each ablation against `none` at the same seed",
                             "share thriving, 5 points", _against("ablation", "none", THRIVING)),
    "interventions": Preset("interventions", "each intervention against `none` at the same seed",
                            "share thriving, 5 points", _against("intervention", "none", THRIVING)),
    "defunct_employer": Preset("defunct_employer", "defunct share 0.5 and 1 against 0 at the same seed",
                               "employment associations' share dormant, 5 points",
                               _against("charters.employment_association.defunct_share", "0.0",
                                        "share_dormant_by_charter.employment_association")),
    "validation_runs": Preset("validate", "each calibration measure's mean over seeds against its frozen range"
                              " (one-sample)", "a tenth of the frozen range's width", _validation, _tenth_of_range,
                              shares=False),
}
"""The presets whose seed counts the power analysis sets, by the manifest key of their per-seed findings."""


def needs(key: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Per comparison of preset ``key``: seeds in the data, SD over seeds, delta and the seeds it needs."""
    preset = PRESETS[key]
    rows = []
    for name, values in preset.differences(frame).items():
        values = pd.Series(values).dropna()
        sd = float(values.std(ddof=1)) if len(values) > 1 else math.nan
        delta = preset.delta(name)
        rows.append({"comparison": name, "seeds": len(values), "sd": sd, "delta": delta,
                     "seeds_needed": seeds_needed(sd, delta)})
    return pd.DataFrame(rows, columns=["comparison", "seeds", "sd", "delta", "seeds_needed"])


def preset_seeds(root: Path, config: str) -> int:
    """How many seeds ``configs/experiment/<config>.yaml`` runs.

    Its sweep's seed list, or for validate ``validate.seeds`` (set in the preset, else the schema's default).
    """
    cfg = OmegaConf.load(root / "configs" / "experiment" / f"{config}.yaml")
    seeds = OmegaConf.select(cfg, "hydra.sweeper.params.seed")
    if seeds is not None:
        return len(str(seeds).split(","))
    return int(OmegaConf.select(cfg, "validate.seeds", default=None) or ValidateKeys().seeds)
