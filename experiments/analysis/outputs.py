"""What the analyses read from a run: summary keys and stylized facts, in one place.

The model's outputs are read ONLY through ``summary.json`` keys (flattened with dots by
:func:`experiments.sweep_summary.aggregate`), and the fact registry ONLY through
:func:`fact_table`. A key a run does not write yet becomes NaN, with one warning naming it,
so the outputs that exist are still analysed.
"""

from __future__ import annotations

import logging
from typing import Dict, List, Tuple

import numpy as np
import pandas as pd

from sim.facts import FACTS

log = logging.getLogger(__name__)

CHARTERS = ("employment_association", "university_alumni", "industry_profession")

CONTRASTS = ("employment_association", "university_alumni")
"""The charters compared with industry groups (:data:`sim.summary.CONTRAST_REFERENCE`) at matched size."""

ANSWERS: Dict[str, str] = {
    **{f"dormant_excess_{c}_minus_industry": f"charter_contrast.{c}_minus_industry.excess" for c in CONTRASTS},
    "rate_size_elasticity": "rate_size_elasticity.overall.slope",
    "share_dormant": "share_dormant",
    "S1": "stylized_facts.S1.value",
    "S2": "stylized_facts.S2.value",
    "S3_posts": "stylized_facts.S3.measures.posts.value",
    "S3_replies": "stylized_facts.S3.measures.replies.value",
}
"""The mission's answers (issue 21): charter contrasts at matched size net of the null, the size
elasticity of per-member posting, share dormant, and the calibration facts S1-S3."""

SIGN_ANSWERS = ("dormant_excess_employment_association_minus_industry",
                "dormant_excess_university_alumni_minus_industry", "rate_size_elasticity")
"""Answers whose claim is a direction: they hold across a region where their sign does."""

FACT_RANGES: Dict[str, Tuple[float, float]] = {
    name: next((lo, hi) for m, lo, hi in FACTS[fact].measures if m == measure)
    for name, fact, measure in (("S1", "S1", "never_posted"), ("S2", "S2", "top1_share"),
                                ("S3_posts", "S3", "posts"), ("S3_replies", "S3", "replies"))
}
"""The frozen target range of each fact among the answers (:data:`sim.facts.FACTS`)."""

OUTPUTS: Dict[str, str] = {
    **ANSWERS,
    "share_thriving": "share_thriving",
    "median_weeks_to_dormancy": "median_weeks_to_dormancy",
    "badge_ratio": "badge_ratio",
    "posts_per_1000_members_week": "posts_per_1000_members_week",
    "excess_share_thriving": "excess.share_thriving",
    "excess_share_dormant": "excess.share_dormant",
    **{f"log10_size50_{c}": f"size50_by_charter.{c}" for c in CHARTERS},
}
"""Output name -> dotted summary key (contract 5 of the parallel branches)."""

SIZE50_LOG10_RANGE = (1.0, 4.0)
"""``log10_size50_*`` outputs: log10 of a charter's size50, held within 10-10,000 members (the
range of initial group sizes). size50 is a logistic fit's midpoint: where thriving barely
rises with size it lies far beyond any group (up to 1e308), a tail that makes variance-based
indices meaningless (Sobol ST of 17,000 at commit 6391e36); beyond the range the fit says only
"smaller (larger) than any group"."""

TRANSFORMS = {name: lambda v: np.clip(np.log10(v), *SIZE50_LOG10_RANGE) for name in OUTPUTS if "size50" in name}
"""Output name -> the transform applied to its summary value."""

FACT_FIELDS = ("value", "low", "high", "target", "pass", "source")


def output_table(jobs: pd.DataFrame, outputs: Dict[str, str] | None = None) -> pd.DataFrame:
    """One column per output (named as in ``outputs``) from the flattened job table.

    Missing summary keys become NaN columns, announced in one warning line.
    """
    outputs = OUTPUTS if outputs is None else outputs
    missing = [key for key in outputs.values() if key not in jobs.columns]
    if missing:
        log.warning("summary keys missing (their outputs are NaN): %s", ", ".join(missing))
    data = {name: TRANSFORMS.get(name, np.asarray)(pd.to_numeric(jobs[key], errors="coerce"))
            if key in jobs.columns else np.nan for name, key in outputs.items()}
    return pd.DataFrame(data, index=jobs.index)


def fact_role(name: str, fact: Dict) -> str:
    """``calibration`` or ``validation``: the role in the frozen registry (:data:`sim.facts.FACTS`).

    A fact the registry does not know (a user's own) takes the role its summary states.
    """
    if name in FACTS:
        return FACTS[name].role
    role = fact.get("role") if isinstance(fact, dict) else None
    return role if role in ("calibration", "validation") else "validation"


def fact_table(jobs: pd.DataFrame) -> pd.DataFrame:
    """Long table of the stylized facts of each job: job, fact, role, value, low, high, ...

    Read from the ``stylized_facts.<name>.<field>`` columns of the flattened summaries
    (roles from the registry in :mod:`sim.facts`).
    """
    names = sorted({c.split(".")[1] for c in jobs.columns if c.startswith("stylized_facts.") and c.count(".") == 2})
    rows: List[Dict] = []
    for _, job in jobs.iterrows():
        for name in names:
            fact = {f: job.get(f"stylized_facts.{name}.{f}") for f in (*FACT_FIELDS, "role", "name", "definition")}
            rows.append({
                "job": job.get("job"), "seed": job.get("seed", job.get("summary.seed")), "fact": name,
                "role": fact_role(name, fact), "description": fact.get("definition") or fact.get("name") or "",
                **{f: fact[f] for f in FACT_FIELDS},
            })
    table = pd.DataFrame(rows, columns=["job", "seed", "fact", "role", "description", *FACT_FIELDS])
    table["value"] = pd.to_numeric(table["value"], errors="coerce")
    return table


def measure_table(jobs: pd.DataFrame) -> pd.DataFrame:
    """Long table of every measure of every fact per job: job, seed, fact, measure, role, value, low, high.

    A fact such as S3 has several measures (posts and replies), each with its frozen range;
    read from the ``stylized_facts.<fact>.measures.<measure>.value`` columns.
    """
    keys = sorted({tuple(c.split(".")[1:4:2]) for c in jobs.columns
                   if c.startswith("stylized_facts.") and c.count(".") == 4 and c.split(".")[2] == "measures"})
    rows: List[Dict] = []
    for _, job in jobs.iterrows():
        for fact, measure in keys:
            prefix = f"stylized_facts.{fact}.measures.{measure}."
            rows.append({"job": job.get("job"), "seed": job.get("seed", job.get("summary.seed")), "fact": fact,
                         "measure": measure, "role": fact_role(fact, {"role": job.get(f"stylized_facts.{fact}.role")}),
                         **{f: job.get(prefix + f) for f in ("value", "low", "high")}})
    table = pd.DataFrame(rows, columns=["job", "seed", "fact", "measure", "role", "value", "low", "high"])
    for column in ("value", "low", "high"):
        table[column] = pd.to_numeric(table[column], errors="coerce")
    return table
