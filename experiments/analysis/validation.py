"""Facts and held-out patterns over replicate seeds: value, interval over seeds, pass/fail.

Seeds are the independent units: each fact or pattern is measured once per run (from its
summary), and its interval is of the mean over seeds (:func:`experiments.intervals.over_seeds`,
whose ``method`` each row names), never over the groups of a run pooled across seeds.
A value passes when the mean over seeds lies in the frozen range ``[low, high]`` and enough
of the seeds that judged it passed on their own (for the facts: the registry's verdict,
which for compound facts such as S4 checks more than the range): at least 80% for a
calibration target (MODEL_BRIEF Revision 3), at least half for any other check
(:data:`SEED_SHARE`). A fact the
registry judges over seeds (``over_seeds``, S6) passes when the 95% t-interval of each of
its measures over at least that many seeds lies inside the measure's range; a diagnostic
(no target) is reported and never judged. Registry entries with the role ``held-out``
(H4, H5) are listed with the held-out patterns H1-H3.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Dict, List

import numpy as np
import pandas as pd

from experiments.intervals import RULE, T, over_seeds
from sim.facts import FACTS, Fact


@dataclass(frozen=True)
class Pattern:
    """A held-out pattern from the literature, measured from summary keys per run."""

    name: str
    description: str
    measure: Callable[[pd.DataFrame], pd.Series]
    low: float
    high: float
    target: str
    source: str


HELD_OUT: List[Pattern] = [
    Pattern(
        "H1", "first post replied to: share who post again minus the same share without a reply",
        lambda j: j["post_again_if_replied"] - j["post_again_if_not_replied"], 0.02, 0.30,
        "positive, about +12 points (56% vs 44%)",
        "Joyce & Kraut 2006, J. Computer-Mediated Communication 11(3):723-747",
    ),
    Pattern(
        "H2", "share of members' first posts that got no reply", lambda j: j["first_post_no_reply_share"],
        0.25, 0.55, "about 40% of thread starters get no reply",
        "Burke, Joyce, Kim, Anand & Kraut 2007, Communities and Technologies (as cited in the brief)",
    ),
    Pattern(
        "H3", "share of visits in weekday work hours (8-17 h, Mon-Fri; 45 of 168 hours = 0.27)",
        lambda j: j["work_hours_share_of_visits"], 45 / 168, 1.0,
        "above the work hours' share of the week (weekday daytime peak)",
        "Golder, Wilkinson & Huberman 2007, Communities and Technologies (weekly rhythm of messaging)",
    ),
]
"""Patterns never used in calibration (held out), measured from existing summary keys."""


def kind_of(fact: Fact) -> str:
    """The report section of a registry fact: ``held-out`` for the held-out patterns, else ``fact``."""
    return "held-out" if fact.role == "held-out" else "fact"


def judge_over_seeds(fact: Fact, jobs: pd.DataFrame) -> List[Dict]:
    """Rows for a fact judged over seeds: each measure's t-interval must lie inside its range.

    Not judged (None) with fewer than ``fact.over_seeds`` seeds; the fact's own row (its
    headline measure) passes when every measure does. ``seeds_passed`` counts the seeds
    whose own value lies inside the range.
    """
    rows = []
    for measure, low, high in fact.measures:
        key = f"stylized_facts.{fact.key}.measures.{measure}.value"
        values = pd.to_numeric(jobs.get(key, pd.Series(np.nan, index=jobs.index)), errors="coerce")
        mean, lo, hi, _, _ = over_seeds(values, method=T)
        seeds = int(np.isfinite(values).sum())
        ok = None if seeds < fact.over_seeds or not np.isfinite(lo) else bool(low < lo and hi < high)
        rows.append({"kind": kind_of(fact), "name": f"{fact.key}.{measure}", "role": fact.role,
                     "description": f"{fact.key}, measure {measure} (95% t-interval over seeds)", "value": mean,
                     "ci_low": lo, "ci_high": hi, "interval": T, "seeds": seeds, "low": float(low), "high": float(high),
                     "target": fact.target, "source": fact.source, "pass": ok,
                     "seeds_passed": int(((values > low) & (values < high)).sum())})
    verdicts = [r["pass"] for r in rows]
    head = {**rows[0], "name": fact.key, "description": fact.definition + _why_not_computed(fact, jobs, rows[0]),
            "pass": None if None in verdicts else all(verdicts)}
    return [head, *rows[1:]]


def _why_not_computed(fact: Fact, jobs: pd.DataFrame, row: Dict) -> str:
    """`` (not computed ...)`` when no seed computed the fact and the runs said why (H5 in a closed world)."""
    status = jobs.get(f"stylized_facts.{fact.key}.comparison.status")
    if row["seeds"] or status is None or status.dropna().empty:
        return ""
    return f" ({'; '.join(sorted(set(status.dropna().astype(str))))})"


SEED_SHARE = {"calibration": 0.8}
"""Share of the judging seeds that must pass on their own, by role (Revision 3: 80% for the
calibration targets); any other role needs half (:data:`MOST_SEEDS`)."""
MOST_SEEDS = 0.5


def judge(kind: str, name: str, role: str, description: str, values, low, high, target, source,
          seeds_passed=None) -> Dict:
    """One row of the report (``seeds_passed``: runs whose own verdict was pass, if known)."""
    mean, lo, hi, _, method = over_seeds(values)
    finite = np.isfinite(np.asarray(values, float))
    ok = None if not np.isfinite(mean) else bool(float(low) <= mean <= float(high))
    if ok and seeds_passed is not None:  # the seeds must pass on their own too (and S4's compound rule)
        ok = seeds_passed >= SEED_SHARE.get(role, MOST_SEEDS) * int(finite.sum())
    return {"kind": kind, "name": name, "role": role, "description": description, "value": mean,
            "ci_low": lo, "ci_high": hi, "interval": method, "seeds": int(finite.sum()), "low": float(low),
            "high": float(high),
            "target": target, "source": source, "pass": ok, "seeds_passed": seeds_passed}


def _bounds(name: str, low, high, measure: str | None = None) -> tuple[float, float]:
    """A fact's range (its headline measure's, or ``measure``'s).

    From the frozen registry, else as the runs wrote it; an open bound (JSON cannot hold S5's) is infinite.
    """
    ranges = {m: (lo, hi) for m, lo, hi in FACTS[name].measures} if name in FACTS else {}
    if ranges:
        low, high = ranges.get(measure, (low, high)) if measure else FACTS[name].measures[0][1:]
    low = -math.inf if low is None or pd.isna(low) else float(low)
    high = math.inf if high is None or pd.isna(high) else float(high)
    return low, high


def _other_measures(name: str, jobs: pd.DataFrame) -> List[Dict]:
    """Rows for a registry fact's measures after its headline (S3's replies), each judged on its own range."""
    if name not in FACTS:
        return []
    fact, rows = FACTS[name], []
    for measure, low, high in fact.measures[1:]:
        key = f"stylized_facts.{name}.measures.{measure}"
        values = pd.to_numeric(jobs.get(f"{key}.value", pd.Series(np.nan, index=jobs.index)), errors="coerce")
        passed = int(((values >= low) & (values <= high)).sum())
        rows.append(judge(kind_of(fact), f"{name}.{measure}", fact.role, f"{name}, measure {measure}", values, low,
                          high, fact.target, fact.source, passed))
    return rows


def report(facts: pd.DataFrame, jobs: pd.DataFrame) -> pd.DataFrame:
    """Every fact (from :func:`outputs.fact_table`) and every held-out pattern, judged over seeds."""
    rows = []
    for name, part in facts.groupby("fact", sort=True):
        if name in FACTS and FACTS[name].over_seeds:
            rows += judge_over_seeds(FACTS[name], jobs)
            continue
        first = part.iloc[0]
        passed = int((part["pass"] == True).sum())  # noqa: E712  (the run's own verdict; None = not judged)
        low, high = _bounds(name, first["low"], first["high"])
        kind = kind_of(FACTS[name]) if name in FACTS else "fact"
        row = judge(kind, name, first["role"], first["description"], part["value"], low, high,
                    first["target"], first["source"], passed)
        rows.append({**row, "pass": None} if first["role"] == "diagnostic" else row)
        rows += _other_measures(name, jobs)
    for p in HELD_OUT:
        try:
            values = pd.to_numeric(p.measure(jobs), errors="coerce")
        except KeyError:
            values = pd.Series(np.nan, index=jobs.index)
        passed = int(((values >= p.low) & (values <= p.high)).sum())
        rows.append(judge("held-out", p.name, "held-out", p.description, values, p.low, p.high, p.target, p.source,
                          passed))
    later = [r for r in rows if r["kind"] == "held-out" and r["name"].split(".")[0] in FACTS]  # H4, H5 after H1-H3
    return pd.DataFrame([r for r in rows if r not in later] + later)


def measure_report(measures: pd.DataFrame) -> pd.DataFrame:
    """Each measure of each fact (:func:`outputs.measure_table`) over seeds: mean, interval, in range.

    ``in_range``: the mean over seeds lies in the measure's frozen range (None: not judged in
    any seed). What the CI baseline (:mod:`.baseline`) records and compares.
    """
    rows = []
    for (fact, measure), part in measures.groupby(["fact", "measure"], sort=True):
        mean, lo, hi, _, method = over_seeds(part["value"])
        low, high = _bounds(fact, part["low"].iloc[0], part["high"].iloc[0], measure)
        rows.append({"fact": fact, "measure": measure, "role": part["role"].iloc[0], "value": mean, "ci_low": lo,
                     "ci_high": hi, "interval": method, "seeds": int(part["value"].notna().sum()), "low": low,
                     "high": high,
                     "in_range": None if not np.isfinite(mean) else bool(low <= mean <= high)})
    return pd.DataFrame(rows, columns=["fact", "measure", "role", "value", "ci_low", "ci_high", "interval", "seeds",
                                       "low", "high",
                                       "in_range"])


def header(sweep: str, seeds: int, size: str) -> str:
    """The report's title and how to read it: where it came from, the seeds, the interval rule, the pass rule."""
    return (f"# Validation of the current defaults\n\nSweep: {sweep}; {seeds} seed(s) (the independent units); {size}."
            f" Value: mean over seeds; interval: {RULE} (the method is named beside each); pass: the mean lies in the"
            " frozen range and enough of the judging seeds passed on their own: 80% for a calibration target"
            " (Revision 3), half for any other check (seeds (passed): runs that"
            " judged it (passed it)).")


def markdown(table: pd.DataFrame, header: str) -> str:
    """The report as Markdown: facts, then held-out patterns."""

    def fmt(x) -> str:
        return "n/a" if x is None or (isinstance(x, float) and not np.isfinite(x)) else f"{x:.3g}"

    lines = [header, ""]
    for kind, title in (("fact", "Stylized facts"), ("held-out", "Held-out patterns (never used in calibration)")):
        lines += [f"## {title}", "",
                  "| | role | what | mean over seeds | 95% interval | seeds (passed) | target (range) | source"
                  " | pass |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in table[table["kind"] == kind].to_dict("records"):
            verdict = "not judged" if r["pass"] is None else ("pass" if r["pass"] else "FAIL")
            lines.append(f"| {r['name']} | {r['role']} | {r['description']} | {fmt(r['value'])}"
                         f" | {fmt(r['ci_low'])}-{fmt(r['ci_high'])} ({r['interval']})"
                         f" | {r['seeds']} ({r['seeds_passed']})"
                         f" | {r['target']}"
                         f" ({fmt(r['low'])}-{fmt(r['high'])}) | {r['source']} | {verdict} |")
        lines.append("")
    return "\n".join(lines)
