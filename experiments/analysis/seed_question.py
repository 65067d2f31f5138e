"""The seed's question: which of its seven candidate causes of dormant groups matter, and how much?

Five causes are switches (``configs/ablation/``): workplace blocking (``no_blocking``), the
8-to-5 mindset (``no_office_hours``), fear that posting looks like job hunting
(``no_job_search_fear``), "only for job hunting" (``no_job_hunting_only``) and the attention
tipping point (``no_attention_split``: each group gets one's whole attention budget instead
of a share). Their effect is paired: per seed, the arm minus the baseline arm
(``ablation=none``) at the same seed (the same random streams), on share dormant and on
posts per 1,000 member-weeks; switching a cause *off* measures what it adds, so the
effect reported is baseline minus arm (positive: the cause raises the outcome).

Charter and size are not switches. Their effects are read from the baseline arm's ladder
of nulls (MODEL_BRIEF Revision 3), each seed's rung minus the rung below it, judged by the
same classifier: the **charter** adds what one posting rate per charter adds to dormancy
over one rate for all (``per_charter - one_rate``), the **size** what one rate per charter
and size class adds over one per charter (``per_charter_size - per_charter``). These are
counterfactuals on posting rates, not switches of a mechanism: the same unit (share
dormant) as the paired effects, so they are ranked with them, but flagged. For posting,
the charter's effect is the spread of the charters' median group rates (max - min), and
the size's is the elasticity of per-member posting with group size (another unit: listed,
not ranked).

Intervals are over seeds (:func:`experiments.intervals.over_seeds`: t below 10 seeds,
bootstrap from 10). A cause has no detectable effect when its interval contains 0.

Conditional on a region (``experiment=seed_question_region``: the same arms and seeds at
each of K parameter sets of a calibration's region, column ``param_set``): the effects are
paired by parameter set and seed, each set's effect is its mean over seeds, and the
interval is over the sets (the independent draws from the region, :func:`over_seeds` again),
so it holds both the seeds' noise and the region's spread; ``sets_same_sign`` is the share
of sets whose effect has the sign of the mean. The
power note gives the seeds a two-sided 5% test with 80% power needs to detect a stated
difference from the SD of the paired differences.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Dict, List

import numpy as np
import pandas as pd

from experiments import results
from experiments.analysis.design import SET_COLUMN
from experiments.analysis.power import seeds_needed
from experiments.intervals import RULE, over_seeds

BASELINE = "none"
SET = SET_COLUMN
"""The column that labels a job's parameter set (set by the design sweeper's method ``sets``)."""
SWITCHES = {
    "no_blocking": "workplace blocking",
    "no_office_hours": "the 8-to-5 mindset",
    "no_job_search_fear": "fear that posting looks like job hunting",
    "no_job_hunting_only": "'only for job hunting'",
    "no_attention_split": "the attention tipping point (attention split over one's groups)",
}
OUTCOMES = {"share_dormant": "share dormant", "posts_per_1000_members_week": "posts per 1,000 member-weeks"}
DORMANCY_RUNGS = {"charter": ("per_charter", "one_rate"), "size": ("per_charter_size", "per_charter")}
CHARTER_RATES = "median_group_posts_per_1000_member_weeks_by_charter."
SIZE_ELASTICITY = "rate_size_elasticity.overall.slope"
POWER_DELTA = {"share_dormant": 0.05, "posts_per_1000_members_week": 0.1}
"""Differences the power note is for: 5 points of share dormant; 10% of the baseline's posting rate."""


def units(jobs: pd.DataFrame) -> List[str]:
    """The keys that pair jobs: the seed, and the parameter set when the sweep ran several."""
    return [SET, "seed"] if SET in jobs.columns and jobs[SET].nunique() > 1 else ["seed"]


def _row(cause: str, label: str, outcome: str, kind: str, values: pd.Series, ranked: bool) -> Dict:
    """One cause's effect: mean and interval over seeds, or over parameter sets (each its mean over seeds)."""
    values = pd.Series(values, dtype=float).dropna()
    by_set = SET in (values.index.names or [])
    per_unit = values.groupby(level=SET).mean() if by_set else values
    ci = over_seeds(per_unit.to_numpy())
    detectable = ci.n >= 3 and not (ci.low <= 0 <= ci.high)
    same_sign = float((np.sign(per_unit) == np.sign(ci.mean)).mean()) if by_set and len(per_unit) else np.nan
    seeds = values.index.get_level_values("seed").nunique() if by_set else ci.n
    return {"cause": cause, "label": label, "outcome": outcome, "kind": kind, "effect": ci.mean, "low": ci.low,
            "high": ci.high, "seeds": seeds, "sets": ci.n if by_set else 1,
            "interval": f"{ci.method} over {ci.n} parameter sets" if by_set else ci.method,
            "detectable": bool(detectable), "ranked": ranked, "sd": float(per_unit.std(ddof=1)),
            "sets_same_sign": same_sign}


def paired(jobs: pd.DataFrame, outcome: str) -> Dict[str, pd.Series]:
    """Per switch: baseline minus arm at each seed (index: seed, or parameter set and seed) for ``outcome``."""
    wide = jobs.pivot_table(index=units(jobs), columns="ablation", values=outcome, aggfunc="mean")
    if BASELINE not in wide:
        return {}
    return {arm: (wide[BASELINE] - wide[arm]).dropna() for arm in SWITCHES if arm in wide}


def structural(base: pd.DataFrame) -> List[Dict]:
    """Charter and size from the baseline arm's jobs (one row per seed): the rows of the table."""
    rows = []
    for cause, (upper, lower) in DORMANCY_RUNGS.items():
        keys = [f"null_ladder.{rung}.share_dormant" for rung in (upper, lower)]
        if set(keys) <= set(base.columns):
            rows.append(_row(cause, f"the {cause} (null ladder: {upper} - {lower})", "share_dormant",
                             "null-ladder rung difference", base[keys[0]] - base[keys[1]], True))
    rates = base[[c for c in base.columns if c.startswith(CHARTER_RATES)]]
    if rates.shape[1] >= 2:
        rows.append(_row("charter", "the charter (spread of the charters' median group rates)",
                         "posts_per_1000_members_week", "charter spread (max - min)",
                         rates.max(axis=1) - rates.min(axis=1), True))
    if SIZE_ELASTICITY in base.columns:
        rows.append(_row("size", "the size (elasticity of per-member posting with group size)",
                         "posts_per_1000_members_week", "elasticity (no unit: not ranked)", base[SIZE_ELASTICITY],
                         False))
    return rows


def table(jobs: pd.DataFrame) -> pd.DataFrame:
    """The ranking: one row per cause and outcome, ranked within each outcome by |effect| (ranked rows only)."""
    rows = []
    for outcome in OUTCOMES:
        if outcome not in jobs.columns:
            continue
        for arm, diff in paired(jobs, outcome).items():
            rows.append(_row(arm, SWITCHES[arm], outcome, "paired switch (baseline - arm)", diff, True))
    rows += structural(jobs[jobs["ablation"] == BASELINE].set_index(units(jobs)))
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    base = jobs[jobs["ablation"] == BASELINE]
    scale = {o: (POWER_DELTA[o] * (base[o].mean() if o != "share_dormant" else 1.0)) for o in OUTCOMES if o in base}
    out["power_delta"] = out["outcome"].map(scale)
    out["power_delta"] = out["power_delta"].where(out["ranked"])  # an elasticity has another unit: no power note
    out["seeds_for_power_delta"] = [seeds_needed(sd, d) for sd, d in zip(out["sd"], out["power_delta"], strict=True)]
    out["rank"] = (out["effect"].abs().where(out["ranked"]).groupby(out["outcome"]).rank(ascending=False,
                                                                                          method="min"))
    return out.sort_values(["outcome", "rank"]).reset_index(drop=True)


# ------------------------------------------------------------------ the report's files

CSV, JSON, MD = "seed_question.csv", "seed_question.json", "seed_question.md"


def source_commit() -> str:
    """The git commit of the source tree that ran (``+dirty`` with uncommitted changes; ``unknown`` outside git)."""
    where = Path(__file__).resolve().parent
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=where,
                               capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def write(root: Path, jobs: pd.DataFrame, command: str, commit: str | None = None) -> pd.DataFrame:
    """Write ``seed_question.csv``, ``.json`` (rows and ``provenance``) and ``.md`` at ``root``; return the table.

    ``commit``: the source's commit (default: asked of git, :func:`source_commit`).
    """
    out = table(jobs)
    seeds = sorted(int(s) for s in jobs["seed"].dropna().unique())
    provenance = {"command": command, "commit": commit or source_commit(), "seeds": seeds, "sweep": str(root),
                  "interval": RULE, "arms": sorted(jobs["ablation"].dropna().unique().tolist()),
                  "param_sets": sorted(int(s) for s in jobs[SET].dropna().unique()) if SET in jobs else []}
    results.write_csv(root / CSV, out)
    results.write_json(root / JSON, {"provenance": provenance, "rows": out.to_dict("records")})
    lines = ["# The seed's question: causes of dormant groups, ranked", "",
             f"Command: `{command}`; commit {provenance['commit']}; seeds {seeds[0]}-{seeds[-1]} ({len(seeds)})."
             if seeds else "No seed finished.",
             f"Effects: baseline minus the arm without the cause, paired by seed (switches); the baseline's null-ladder"
             f" rung differences (charter, size). {RULE}. Detectable: the interval excludes 0.", ""]
    for outcome, name in OUTCOMES.items():
        part = out[out["outcome"] == outcome]
        if len(part):
            shown = ["rank", "label", "kind", "effect", "low", "high", "seeds", "sets", "interval", "detectable",
                     "seeds_for_power_delta"]
            lines += [f"## {name}", "", part[shown].to_string(index=False), ""]
    for outcome, name in OUTCOMES.items():
        none = out.loc[(out["outcome"] == outcome) & ~out["detectable"], "label"].tolist() if len(out) else []
        lines.append(f"No detectable effect on {name}: {', '.join(none) or 'none'}.")
    results.atomic_write(root / MD, lambda tmp: tmp.write_text("\n".join(lines)))
    return out
