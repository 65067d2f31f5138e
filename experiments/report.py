"""``groupsim-report``: every generated block of the docs, rendered from committed findings data.

    groupsim-report              # rewrite every generated block from its data
    groupsim-report --check      # exit 1, one line per stale block, when a block differs from its data
    groupsim-report --commands   # the commands that regenerate each findings file (run them on a new model)
    groupsim-report --collect KEY SWEEP_DIR   # a sweep's per-job outputs as findings file KEY, with provenance

A generated block in a Markdown page is delimited by two comments::

    <!-- generated: NAME from SOURCE -->
    ...
    <!-- end generated -->

``NAME`` is one of :data:`BLOCKS` (``status:KEY`` for any entry ``KEY`` of the findings manifest)
and ``SOURCE`` the file it is rendered from, as the block's renderer names it (a marker naming
another source is an error: the marker tells the reader where the numbers come from). Findings
files live in ``docs/findings/``; ``docs/findings/manifest.json`` gives each one's provenance
(what it is, the command that made it, the commit of the model, the seeds, the date). An entry
whose file is not there yet renders as "not yet regenerated: run <command>", never as a number.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Dict, List

import pandas as pd

from experiments import intervals, probes
from experiments.analysis import calibration, effects, hysteresis, path_dependence, power, sensitivity, validation
from experiments.analysis.outputs import FACT_RANGES
from sim import facts
from sim.params import parameter_table

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = "docs/findings/manifest.json"
PAGES = ("README.md", "experiments/README.md", "docs/ODD.md", "docs/VALIDATION.md", "docs/SCALING.md",
         "docs/FINDINGS.md")
"""The pages whose generated blocks the report keeps (paths from the repository root)."""
MARKER = re.compile(r"<!-- generated: (?P<name>\S+) from (?P<source>\S+) -->\n(?P<body>.*?)<!-- end generated -->",
                    flags=re.S)


class ReportError(Exception):
    """A block or a findings file the report cannot render (one line: what and where)."""


def manifest(root: Path) -> Dict[str, Dict]:
    """The findings manifest: one entry per findings file, with its provenance."""
    try:
        return json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"{MANIFEST}: cannot read the findings manifest ({exc})") from exc


def entry(root: Path, key: str) -> Dict:
    """The manifest entry ``key``; a :class:`ReportError` naming the known keys if there is none."""
    found = manifest(root)
    if key not in found:
        raise ReportError(f"{MANIFEST} has no entry {key!r}: allowed {', '.join(sorted(found))}")
    return found[key]


def provenance(e: Dict, command: bool = True) -> str:
    """One sentence: how a findings file was made (command, the model's commit, seeds, date).

    The commit is the model's (``sim/``, ``configs/``): a file made from a later checkout of
    the same model (docs or probe code changed since) carries the commit where that model
    landed; the file's own ``commit`` field, where it has one, is the checkout it ran from.
    """
    made = f", made by `{e['command']}`" if command else ""
    return f"Data: `{e['file']}`{made} on the model of commit `{e['commit']}` (seeds {e['seeds']}, {e['date']})."


def pending(e: Dict) -> str:
    """The note that stands where a number would be, until the findings file exists."""
    return (f"*Not yet regenerated on the current model*: {e['what']}. Run `{e['command']}`, then"
            " `groupsim-report`; numbers measured on earlier models were withdrawn.")


# ----------------------------------------------------------------- renderers


def render_facts(root: Path, _arg: str) -> str:
    """The frozen stylized-fact registry (``sim/facts.py``)."""
    return facts.registry_table()


def render_probes(root: Path, _arg: str) -> str:
    """The Revision 3 review's measurements: null ladder, elasticity, spin-up deaths, S2 both ways."""
    e = entry(root, "probes")
    report = json.loads((root / e["file"]).read_text(encoding="utf-8"))
    return f"{probes.markdown(report)}\n\n{provenance(e, command=False)}"


def validation_table(path: Path) -> pd.DataFrame:
    """``validation.csv`` as the sweep wrote it, with the verdicts back as True / False / None."""
    table = pd.read_csv(path)
    table["pass"] = [None if isinstance(v, float) and math.isnan(v) else str(v) == "True" for v in table["pass"]]
    return table


def _validation(root: Path) -> tuple[Dict, pd.DataFrame | None]:
    """The validation entry and its table (None until the findings file exists)."""
    e = entry(root, "validation")
    path = root / e["file"]
    return e, validation_table(path) if path.exists() else None


def render_validation(root: Path, _arg: str) -> str:
    """The validation report (facts and held-out patterns over seeds) from ``docs/findings/validation.csv``."""
    e, table = _validation(root)
    if table is None:
        return pending(e)
    seeds = int(table["seeds"].max())
    header = validation.header(e["sweep"], seeds, e["size"]) + f"\n\n{provenance(e)}"
    return validation.markdown(table, header).rstrip("\n")


def render_verdicts(root: Path, _arg: str) -> str:
    """One line per fact and pattern: its verdict and mean over seeds (for the README and FINDINGS)."""
    e, table = _validation(root)
    if table is None:
        return pending(e)
    words = {True: "pass", False: "FAIL", None: "not judged"}
    def cell(r: Dict) -> str:
        if not math.isfinite(r["value"]):
            return f"{r['name']} {words[r['pass']]}"
        interval = f" [{r['ci_low']:.3g}, {r['ci_high']:.3g}]" if math.isfinite(r["ci_low"]) else ""
        return f"{r['name']} {words[r['pass']]} ({r['value']:.3g}{interval}, {r['interval']})"

    cells = [cell(r) for r in table.to_dict("records")]
    return (f"Validation over {int(table['seeds'].max())} seeds (`{e['file']}`, commit `{e['commit']}`, {e['date']}):"
            f" {'; '.join(cells)}. In brackets: mean over seeds [95% interval over seeds], the interval's method.")


def _share(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{100 * x:.1f}%"


def _interval(low: float, high: float, method: str, points: bool = False) -> str:
    """``[low, high] (method)`` in percent (or percentage points); the method alone when there is no interval."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return f"none ({method})"
    f = "+.1f" if points else ".1f"
    return f"[{100 * low:{f}}, {100 * high:{f}}] ({method})"


def _figure_table(root: Path, key: str) -> tuple[Dict, pd.DataFrame | None]:
    """A manifest entry and its figure table (None until the file exists)."""
    e = entry(root, key)
    path = root / e["file"]
    return e, (pd.read_csv(path, keep_default_na=False, na_values=[""]) if path.exists() else None)


OUTPUT_WORDS = {"share_dormant": "share dormant (points)", "posts_per_1000_members_week":
                "posts per 1,000 members per week", "share_thriving": "share thriving (points)",
                "share_dormant_by_charter.employment_association": "employment associations: share dormant (points)",
                "share_dormant_or_closed": "all groups: share dormant or closed (points)"}
"""How the ranking names the outputs of a sweep's jobs (shares in percentage points)."""


def render_ranking(root: Path, key: str) -> str:
    """A sweep of variants (ablations, interventions) ranked by their paired effects, with intervals over seeds."""
    e, jobs = _figure_table(root, key)
    if jobs is None:
        return pending(e)
    outputs = e["columns"]
    table = effects.paired_effects(jobs, e["column"], e["baseline"], outputs)
    lines = ["| variant | " + " | ".join(OUTPUT_WORDS.get(o, o) for o in outputs) + " |",
             "|---|" + "---|" * len(outputs)]
    for variant, part in table.groupby("variant", sort=False):
        cells = []
        for r in part.to_dict("records"):
            scale, f = (100, "+.1f") if r["output"].startswith("share") else (1, "+.2f")  # points; rates to 0.01
            interval = (f" [{scale * r['low']:{f}}, {scale * r['high']:{f}}]" if math.isfinite(r["low"]) else "")
            cells.append(f"{scale * r['effect']:{f}}{interval} ({r['method']}){'' if r['detectable'] else ', n.d.'}")
        lines.append(f"| {variant} | " + " | ".join(cells) + " |")
    seeds = int(table["seeds"].max()) if len(table) else 0
    return (f"Each variant minus the baseline (`{e['column']}={e['baseline']}`) at the same seed, mean over {seeds}"
            " seeds [95% interval over seeds] (method); ranked by the size of the effect on the first column;"
            " n.d.: not detectable (the interval holds 0).\n\n" + "\n".join(lines) + f"\n\n{provenance(e)}")


def render_by_size(root: Path, key: str) -> str:
    """A figure 2 table: share thriving by charter and initial size, model beside the null model."""
    e, table = _figure_table(root, key)
    if table is None:
        return pending(e)
    lines = ["| charter | initial size | groups | model: share thriving | 95% interval | null | 95% interval |",
             "|---|---|---|---|---|---|---|"]
    model = table[table["source"] == "model"]
    null = table[table["source"] != "model"].set_index(["charter", "size_lo"])
    for r in model.to_dict("records"):
        n = null.loc[(r["charter"], r["size_lo"])] if (r["charter"], r["size_lo"]) in null.index else None
        null_cells = (f"{_share(n['share'])} | {_interval(n['ci_low'], n['ci_high'], n['interval'])}" if n is not None
                      else "n/a | n/a")
        model_cells = f"{_share(r['share'])} | {_interval(r['ci_low'], r['ci_high'], r['interval'])}"
        lines.append(f"| {r['charter']} | {r['size_lo']:g}-{r['size_hi']:g} | {r['n_groups']} | {model_cells}"
                     f" | {null_cells} |")
    seeds = int(model["n_seeds"].max())
    return (f"Share of groups thriving at the last reported week by initial size (mean over {seeds}"
            " seeds of each seed's share); the null model keeps each run's groups and members and posts at the run's"
            " own per-capita rate, judged by the same classifier.\n\n" + "\n".join(lines) + f"\n\n{provenance(e)}")


OUTCOMES = {"share_dormant": ("share dormant", True),
            "posts_per_1000_members_week": ("posts per 1,000 member-weeks", False)}


def render_seed_question(root: Path, key: str) -> str:
    """The seed's seven causes ranked by effect, per outcome (``experiment=seed_question``).

    ``key``: the manifest entry (default ``seed_question``, at the defaults; ``seed_question_region``
    is the same question over the calibration's region, ``experiment=seed_question_region``).
    """
    e = entry(root, key or "seed_question")
    rows = pd.read_csv(root / e["file"])
    parts = []
    for outcome, (name, points) in OUTCOMES.items():
        part = rows[rows["outcome"] == outcome].sort_values("rank", na_position="last")
        lines = [f"| rank | cause: effect on {name} | kind | effect [95% interval] (over seeds, or over a region's"
                 " parameter sets) |",
                 "|---|---|---|---|"]
        for r in part.itertuples():
            scale = 100.0 if points else 1.0
            effect = f"{scale * r.effect:+.1f}" if points else f"{r.effect:+.2f}"
            span = _interval(r.low, r.high, r.interval, points=True) if points else (
                f"[{r.low:+.2f}, {r.high:+.2f}] ({r.interval})")
            rank = "not ranked" if pd.isna(r.rank) else f"{r.rank:g}"
            lines.append(f"| {rank} | {r.label}{'' if r.detectable else ' (n.d.)'} | {r.kind} | {effect} {span} |")
        parts.append("\n".join(lines))
    note = ("Effects in percentage points of share dormant and in posts per 1,000 member-weeks; n.d.: not"
            " detectable (the interval holds 0).")
    return "\n\n".join(parts) + f"\n\n{note}\n\n{provenance(e)}"


def render_stationarity(root: Path, key: str) -> str:
    """Issue 20's stationarity check per seed (``python -m benchmarks stationarity``), with its targets.

    ``key``: the manifest entry (default ``stationarity``, the default world; others run it with overrides).
    """
    e = entry(root, key or "stationarity")
    data = json.loads((root / e["file"]).read_text(encoding="utf-8"))
    seeds = data["seeds"]
    charters = sorted({c for s in seeds for c in s.get("memberships_change_percent_by_charter", {})})
    by_charter = f" | ... of {' / '.join(c.replace('_', ' ') for c in charters)} groups" if charters else ""
    lines = ["| seed | share dormant, last minus first 13 reported weeks (target: within 3 points) | ... groups"
             f" present at the start only | memberships per person (target: within 3%){by_charter} | groups at the"
             " horizon founded in the reported weeks (target: at least 10%) | median group age, first and last week |"
             " passes |", "|---" * (7 + bool(charters)) + "|"]
    for s in seeds:
        first, last = s["median_group_age_weeks_first_last"]
        each = s.get("memberships_change_percent_by_charter", {})
        cells = f" | {' / '.join(f'{each[c]:+.1f}%' if c in each else '-' for c in charters)}" if charters else ""
        lines.append(f"| {s['seed']} | {s['share_dormant_change_points']:+.1f} points"
                     f" | {s['share_dormant_change_points_groups_present_at_start']:+.1f} points"
                     f" | {s['memberships_per_person_change_percent']:+.1f}%{cells}"
                     f" | {_share(s['share_founded_in_reported_weeks'])}"
                     f" | {first:g} and {last:g} weeks | {'yes' if s['passes'] else 'no'} |")
    drift = data.get("drift_over_seeds")
    if drift:
        d, m = drift["share_dormant_change_points"], drift["memberships_per_person_change_percent"]
        method = intervals.METHOD_TEXT[d["method"]]
        each = [(c.replace("_", " "), drift[f"memberships_change_percent_{c}"]) for c in charters
                if f"memberships_change_percent_{c}" in drift]
        parts = "".join(f"; {name} groups' memberships {x['mean']:+.1f}% [{x['low']:+.1f}, {x['high']:+.1f}]"
                        for name, x in each)
        lines.append(f"\nOver the {d['seeds']} seeds (95%: {method}): share dormant changes by"
                     f" {d['mean']:+.1f} points [{d['low']:+.1f}, {d['high']:+.1f}] (standard deviation over"
                     f" seeds {d['sd_over_seeds']:.1f}), memberships per person by {m['mean']:+.1f}%"
                     f" [{m['low']:+.1f}, {m['high']:+.1f}] (standard deviation {m['sd_over_seeds']:.1f}){parts}.")
    return "\n".join(lines) + f"\n\n{provenance(e)}"


def render_path_dependence(root: Path, _arg: str) -> str:
    """S4 per charter x size cell (``experiment=path_dependence``): verdict, splits, intervals, seeds needed."""
    e, states = _figure_table(root, "path_dependence")
    if states is None:
        return pending(e)
    lines = path_dependence.cell_table(states, path_dependence.per_cell(states))
    return "\n".join(lines) + f"\n\n{provenance(e)}"


ANSWER_WORDS = {"sign": "sign", "target": "in the fact's range", "level": "level"}


def render_answers(root: Path, key: str) -> str:
    """Which answers hold across the sensitivity design's region (``sensitivity_answers.csv``)."""
    e, table = _figure_table(root, key)
    if table is None:
        return pending(e)
    lines = ["| answer | 5% / median / 95% over the points | claim | points agreeing | holds across the region |"
             " share of the main index owed to hand-set charter values |", "|---|---|---|---|---|---|"]
    for r in table.to_dict("records"):
        holds = {"True": "yes", "False": "no"}.get(str(r["holds"]), "reported")
        agree = _share(float(r["agreement"]))
        spread = (f"{r['q05']:.3g} / {r['median']:.3g} / {r['q95']:.3g}" if r["points"] else "undefined everywhere")
        lines.append(f"| {r['answer']} | {spread} ({r['points']} points, {r['missing']} undefined)"
                     f" | {ANSWER_WORDS[r['claim']]} | {agree} | {holds}"
                     f" | {_share(r['charter_factor_share'])} |")
    return (f"Over the design's points (parameter values across the factors' ranges), {e['what']}. Holds: the sign"
            f" (a direction) or the fact's frozen range holds at {sensitivity.HOLDS:.0%} of the points or more.\n\n"
            + "\n".join(lines) + f"\n\n{provenance(e)}")


def render_indices(root: Path, key: str) -> str:
    """The three factors with the largest main index (ST or mu_star) per output, with 95% intervals."""
    e, table = _figure_table(root, key)
    if table is None:
        return pending(e)
    main = sensitivity.main_index(table)
    lines = [f"| output | the three largest {main} [95% interval] |", "|---|---|"]
    for output, part in table.groupby("output", sort=False):
        top = part[part["index"] == main].sort_values("value", ascending=False).head(3)
        cells = [f"{r.parameter} {r.value:.2f} [{r.value - r.conf:.2f}, {r.value + r.conf:.2f}]"
                 for r in top.itertuples()]
        lines.append(f"| {output} | {sensitivity.degenerate(part) or '; '.join(cells)} |")
    return "\n".join(lines) + f"\n\n{provenance(e)}"


def render_calibration(root: Path, _arg: str) -> str:
    """The calibration's waves and, per parameter, its prior, non-implausible range and default (issue 21)."""
    e = entry(root, "calibration")
    folder = (root / e["file"]).parent
    if not (root / e["file"]).exists():
        return pending(e)
    waves = pd.read_csv(folder / "calibration_waves.csv")
    params = pd.read_csv(folder / "calibration_parameters.csv")
    region = pd.read_csv(root / e["file"])
    defaults = {row["key"]: row["default"] for row in parameter_table()}  # the code's defaults now
    lines = ["| wave | draws | runs | share of the prior kept | the defaults' worst implausibility | stopped |",
             "|---|---|---|---|---|---|"]
    for w in waves.itertuples():
        stop = w.stop if isinstance(w.stop, str) and w.stop else ""
        lines.append(f"| {w.wave} | {w.draws} | {w.runs} | {w.kept_share:.3%} | {w.default_worst_I:.2f} | {stop} |")
    lines += ["", "| parameter | prior | non-implausible 5% / 50% / 95% | identified | default at the calibration"
              " | default now |", "|---|---|---|---|---|---|"]
    for r in params.itertuples():
        lines.append(f"| `{r.parameter}` | {r.prior_low:.4g} to {r.prior_high:.4g}"
                     f" | {r.region_q05:.4g} / {r.region_q50:.4g} / {r.region_q95:.4g}"
                     f" | {'yes' if str(r.identified) == 'True' else 'no'} | {r.default:.4g}"
                     f" | {defaults.get(r.parameter, math.nan):.4g} |")
    total, best = int(waves.runs.sum()), region["I.worst"].min() if len(region) else math.nan
    runs_file = folder / "calibration_runs.csv"
    draws, means, every = (calibration.draws_in_range(pd.read_csv(runs_file), calibration.ranges())
                           if runs_file.exists() else (0, 0, 0))
    reached = (f" Of its {draws} draws, {means} have every measure's mean over their seeds inside its frozen range"
               f" and {every} have every measure inside it at each of their seeds." if draws else "")
    return (f"{total:,} runs in {len(waves)} waves (each draw over its replicate seeds); {len(region)} candidates"
            f" of the last wave are non-implausible, the least implausible with worst implausibility {best:.2f}"
            f" (cutoff 3).{reached}\n\n" + "\n".join(lines) + f"\n\n{provenance(e)}")


def render_status(root: Path, key: str) -> str:
    """Where a findings file stands: its provenance when it exists, else how to make it."""
    e = entry(root, key)
    return provenance(e) if (root / e["file"]).exists() else pending(e)


def render_manifest(root: Path, _arg: str) -> str:
    """Every findings file: what it holds, whether it exists, and the command that (re)makes it."""
    lines = ["| findings | what | state | command |", "|---|---|---|---|"]
    for e in manifest(root).values():
        state = (f"commit `{e['commit']}`, seeds {e['seeds']}, {e['date']}" if (root / e["file"]).exists()
                 else "**not yet regenerated**")
        lines.append(f"| `{e['file']}` | {e['what']} | {state} | `{e['command']}` |")
    return "\n".join(lines)


def render_rule(root: Path, _arg: str) -> str:
    """The rule of every interval over seeds (``experiments/intervals.py``), in one sentence."""
    return f"Intervals: {intervals.RULE} (`experiments/intervals.py`); each table and figure names its method."


THROUGHPUT = "benchmarks/results/throughput_*.json"
"""The engine's benchmark results (``python -m benchmarks throughput CASE`` writes ``throughput_CASE.json``)."""
GIB = 1024.0  # MiB


def _bench(root: Path, case: str) -> Dict:
    path = root / THROUGHPUT.replace("*", case)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"{path.relative_to(root)}: cannot read it (run `python -m benchmarks throughput"
                          f" {case.split('_')[0]}`)") from exc


def _when(d: Dict) -> str:
    """When, under what load (one-minute load average at the end) and on which commit (if recorded) a benchmark ran."""
    at = f", commit `{d['commit']}`" if d.get("commit") else ""
    return f"{d['date'][:16].replace('T', ' ')} UTC, load {d['machine']['load_average'][0]:.1f}{at}"


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _cli_row(root: Path, case: str, what: str, seconds: float) -> List[str]:
    d = _bench(root, case)
    r = d["rows"][0]
    time_ok, memory_ok = r["cpu_s"] <= seconds, r["peak_rss_mib"] <= 2 * GIB
    return [what, f"{r['cpu_s']:,.0f} s CPU ({r['wall_s']:,.0f} s wall), peak {r['peak_rss_mib']:,.0f} MiB",
            f"at most {seconds:g} s; 2 GiB ({2 * GIB:,.0f} MiB)",
            f"time {_met(time_ok)}; memory {_met(memory_ok)}", _when(d)]


def render_throughput(root: Path, _arg: str) -> str:
    """Issue 19's throughput targets against the engine's benchmark results, each with its date and load."""
    rows = []
    d = _bench(root, "default")
    r = d["rows"][0]
    rows.append([f"default world (seed {r['seed']}, {r['professionals']:,} professionals, {r['groups']} groups,"
                 f" {r['spinup_weeks']} + {r['weeks']} weeks, {r['events'] / 1e6:.1f} million events), construct +"
                 " run + summary, in-process",
                 f"{r['total']['cpu_s']:.1f} s CPU (construct {r['construct']['cpu_s']:.2f}, run"
                 f" {r['run']['cpu_s']:.1f}, summary {r['summary']['cpu_s']:.2f})", "at most 2 s",
                 _met(r["total"]["cpu_s"] <= 2), _when(d)])
    d = _bench(root, "events")
    rate = {r["professionals"]: r["events_per_cpu_s"] for r in d["rows"]}
    ratio = max(rate.values()) / min(rate.values())
    rows.append([" / ".join(f"{n:,}" for n in rate) + " professionals (1 group per 100), events (visits, posts,"
                 " replies) per CPU second of the run",
                 " / ".join(f"{v / 1e3:,.0f} k" for v in rate.values()) + f" (largest / smallest {ratio:.2f})",
                 "within a factor 2", _met(ratio <= 2), _when(d)])
    rows.append(_cli_row(root, "cli_spinup0", "`groupsim` at 1,000,000 professionals, 10,000 groups, 52 weeks,"
                         " no spin-up, tables written", 75))
    rows.append(_cli_row(root, "cli", "the same with the default 104-week spin-up (156 simulated weeks)", 180))
    d = _bench(root, "design")
    r = d["rows"][0]
    rows.append([f"{r['jobs']} default-world jobs, `{r['argv']}`",
                 f"{r['cpu_s']:,.0f} s CPU ({r['wall_s']:,.0f} s wall), {r['cpu_s'] / 2:,.0f} s of CPU per core",
                 "at most 360 s on 2 cores", _met(r["cpu_s"] / 2 <= 360), _when(d)])
    d = _bench(root, "reference")
    fast, ref = d["rows"][0], d["rows"][1]
    rows.append([f"the per-agent reference against the fast engine, {fast['population.size']:,} professionals,"
                 f" {fast['duration.weeks']} weeks", f"{d['ratio_reference_to_fast']['cpu_s']:.0f}x slower in CPU"
                 f" ({ref['whole_run']['cpu_s']:,.1f} s against {fast['whole_run']['cpu_s']:.2f} s)",
                 "at least 100x", _met(d["ratio_reference_to_fast"]["cpu_s"] >= 100), _when(d)])
    d = _bench(root, "compile")
    first, cached = d["rows"][0], d["rows"][1]
    rows.append(["first use on a new machine: compiling the kernel (cached on disk afterwards)",
                 f"{first['import_and_construct_cpu_s'] + first['first_step_cpu_s']:.1f} s CPU (from the cache:"
                 f" {cached['import_and_construct_cpu_s'] + cached['first_step_cpu_s']:.1f} s)", "", "", _when(d)])
    lines = ["| case | measured | target (issue 19) | | when |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    m = _bench(root, "default")["machine"]
    return ("\n".join(lines) + f"\n\nMachine: {m['cpu']}, {m['cpus']} cores, shared (the load is the one-minute"
            " load average when the case ended). Times are CPU seconds (user + system) of the benchmark's own"
            " processes; the targets are judged on them (the design's over its 2 cores). Data:"
            f" `{THROUGHPUT}`, made by `python -m benchmarks throughput CASE`.")


def _findings_json(root: Path, key: str) -> tuple[Dict, Dict | None]:
    """A manifest entry and its JSON findings file (None until the file exists)."""
    e = entry(root, key)
    path = root / e["file"]
    return e, (json.loads(path.read_text(encoding="utf-8")) if path.exists() else None)


def render_facts_sweep(root: Path, key: str) -> str:
    """A facts sweep (``python -m benchmarks facts-sweep``), one row per value of its parameter.

    Each row: the calibration measures and share dormant over seeds, with the seeds in each frozen range.
    """
    e, data = _findings_json(root, key)
    if data is None:
        return pending(e)
    arms = data["arms"]
    measures = list(next(iter(arms.values())))
    ranges = data["ranges"]
    head = [f"{m} ({ranges[m]['low']:g}-{ranges[m]['high']:g})" if m in ranges else m for m in measures]
    lines = [f"| `{data['key']}` | " + " | ".join(head) + " |", "|---|" + "---|" * len(measures)]
    for value, arm in arms.items():
        cells = []
        for m in measures:
            c = arm[m]
            span = f" [{c['low']:.3g}, {c['high']:.3g}]" if math.isfinite(c["low"]) else ""
            inside = f", {c['seeds_in_range']} of {c['seeds']} in range" if "seeds_in_range" in c else ""
            if "fallback_seeds" in c:  # S3's posts: seeds where S3 measured the 30 largest groups instead
                inside += f"; {c['fallback_seeds']} fell back"
            cells.append(f"{c['mean']:.3g}{span} ({c['method']}{inside})")
        lines.append(f"| {value} | " + " | ".join(cells) + " |")
    fixed = ", ".join(f"`{k}={v}`" for k, v in data.get("overrides", {}).items()) or "none"
    return ("Mean over seeds [95% interval over seeds] (method, seeds in the frozen range; for S3's posts, also"
            " the seeds where S3 fell back to the 30 largest industry groups, fewer than 5 reaching 2,000 members);"
            f" every value on the same seeds; other overrides: {fixed}.\n\n" + "\n".join(lines)
            + f"\n\n{provenance(e)}")


def render_stopping(root: Path, key: str) -> str:
    """The chance of stopping after n posts, per person over the population (``python -m benchmarks stopping``)."""
    e, data = _findings_json(root, key or "stopping")
    if data is None:
        return pending(e)
    counts = data["counts"]
    lines = ["| posts made, n | " + " | ".join(str(n) for n in counts) + " |", "|---|" + "---|" * len(counts),
             "| P(stop after n): mean over seeds [95% interval] | " + " | ".join(
                 f"{c['mean']:.3f} [{c['low']:.3f}, {c['high']:.3f}] ({c['method']})"
                 for c in (data["stop_after"][str(n)] for n in counts)) + " |"]
    drop = data[f"stop_after_{counts[0]}_minus_{counts[-1]}"]
    verdict = "falls" if data["falls_with_n"] else "does not fall detectably"
    return (f"Per person (reported-week posts over all their groups), the share of those with at least n posts who"
            f" posted no more, over {drop['seeds']} seeds. It {verdict} with n: P(stop after {counts[0]}) minus"
            f" P(stop after {counts[-1]}), paired by seed, {drop['mean']:.3f} [{drop['low']:.3f}, {drop['high']:.3f}]"
            f" ({drop['method']}).\n\n" + "\n".join(lines) + f"\n\n{provenance(e)}")


def render_h1_ceiling(root: Path, key: str) -> str:
    """H1 at each commitment ceiling, with and without the reply's effect (``python -m benchmarks h1-ceiling``)."""
    e, data = _findings_json(root, key or "h1_ceiling")
    if data is None:
        return pending(e)

    def cell(c, f=".3f"):
        span = f" [{c['low']:{f}}, {c['high']:{f}}]" if math.isfinite(c["low"]) else ""
        return f"{c['mean']:{f}}{span} ({c['method']})"

    s3 = all("S3_posts" in a for a in data["arms"].values())  # measured since the probe read S3 (older files lack it)
    lines = ["| arm | H1 (pooled) | H1 within groups | posters at the ceiling | posts per 1,000 member-weeks"
             + (" | S3 posts (large industry groups)" if s3 else "") + " | H1 passes |", "|---" * (6 + s3) + "|"]
    for arm, a in data["arms"].items():
        ceiling, posts = cell(a["share_of_posters_at_ceiling"], ".2f"), cell(a["posts_per_1000_members_week"], ".1f")
        lines.append(f"| {arm} | {cell(a['H1'])} | {cell(a['H1_within_groups'])} | {ceiling} | {posts}"
                     + (f" | {cell(a['S3_posts'], '.1f')}" if s3 else "") + f" | {'yes' if a['H1_passes'] else 'no'} |")
    effect = ["| the reply's effect on H1 (with minus without, paired by seed) | pooled | within groups |",
              "|---|---|---|"]
    for name, d in data["paired"].items():
        if "no reply effect" in name:
            effect.append(f"| {name.split(' minus ')[0]} | {cell(d['H1'])} | {cell(d['H1_within_groups'])} |")
    s3_range = " S3's frozen range for posts: {:g}-{:g}.".format(*FACT_RANGES["S3_posts"]) if s3 else ""
    return ("Default world, every arm on the same seeds; mean over seeds [95% interval over seeds] (method). H1's"
            " range is frozen (`sim/facts.py`); 'no reply effect': `behaviour.reply_boost` and"
            " `behaviour.no_reply_penalty` at 0." + s3_range
            + "\n\n" + "\n".join(lines) + "\n\n" + "\n".join(effect)
            + f"\n\n{provenance(e)}")


def _sweep_rows(root: Path, key: str) -> tuple[Dict, pd.DataFrame | None]:
    """A manifest entry and its sweep summary (one row per job; None until the file exists)."""
    e = entry(root, key)
    path = root / e["file"]
    return e, (pd.read_csv(path) if path.exists() else None)


def _over_seeds_cell(values, points: bool = False) -> str:
    """Mean over seeds in percent (or points) and its interval by the module's rule."""
    ci = intervals.over_seeds(values)
    mean = f"{100 * ci.mean:+.1f}" if points else f"{100 * ci.mean:.1f}%"
    if not math.isfinite(ci.low):
        return f"{mean} (no interval: {ci.n} seeds)"
    return f"{mean} {_interval(ci.low, ci.high, ci.method, points)}"


CAPACITY = "behaviour.attention_capacity"
ATTENTION_RULES = {0: "1/k split", 3: "threshold (1 + Poisson(2) groups)"}


def render_attention_tipping_point(root: Path, key: str) -> str:
    """Share thriving and dormant by groups per person, per attention rule (``experiment=attention_tipping_point``)."""
    e, rows = _sweep_rows(root, key or "attention_tipping_point")
    if rows is None:
        return pending(e)
    rules = sorted(rows[CAPACITY].unique())
    lines = ["| groups | groups per person | attention rule | share thriving | share dormant |",
             "|---|---|---|---|---|"]
    for (count, rule), part in rows.groupby(["groups.count", CAPACITY]):
        lines.append(f"| {count} | {part.mean_groups_per_person.mean():.2f} | {ATTENTION_RULES.get(rule, rule)}"
                     f" | {_over_seeds_cell(part.share_thriving)} | {_over_seeds_cell(part.share_dormant)} |")
    paired = ["| groups | share dormant, threshold minus split (points, paired by seed) |", "|---|---|"]
    wide = rows.pivot_table(index=["groups.count", "seed"], columns=CAPACITY, values="share_dormant")
    for count, part in wide.groupby(level=0):
        paired.append(f"| {count} | {_over_seeds_cell(part[rules[-1]] - part[rules[0]], points=True)} |")
    header = " | ".join(f"share thriving, {ATTENTION_RULES.get(r, r)}: change (points, paired by seed)" for r in rules)
    steps = [f"| groups | {header} |", "|---" * (1 + len(rules)) + "|"]
    thriving = rows.pivot_table(index="seed", columns=["groups.count", CAPACITY], values="share_thriving")
    counts = sorted(rows["groups.count"].unique())
    for before, after in zip(counts, counts[1:], strict=False):
        cells = [_over_seeds_cell(thriving[(after, r)] - thriving[(before, r)], points=True) for r in rules]
        steps.append(f"| {before} -> {after} | " + " | ".join(cells) + " |")
    seeds = rows.seed.nunique()
    return (f"All groups of 300 members on the small population; more groups mean more groups per person. Mean over"
            f" {seeds} seeds [95% interval over seeds] (method).\n\n" + "\n".join(lines) + "\n\n"
            + "\n".join(steps) + "\n\n" + "\n".join(paired) + f"\n\n{provenance(e)}")


def render_attention_hysteresis(root: Path, key: str) -> str:
    """Whether groups recover when attention returns (``experiment=attention_hysteresis``).

    Each cell, then each pair of :data:`experiments.analysis.hysteresis.PAIRS` (a cell that was overloaded
    before the cut minus one that never was, at about the same groups per person after
    it), paired by seed, under each attention rule, with how far apart the pair ends in
    groups per person.
    """
    e, rows = _sweep_rows(root, key or "attention_hysteresis")
    if rows is None:
        return pending(e)
    open_groups = rows[[c for c in rows.columns if c.startswith("final_state_counts.")]].sum(axis=1)
    rows = rows[["seed", CAPACITY, "mean_groups_per_person", "share_thriving", "share_dormant"]].assign(
        cell=hysteresis.cell_names(rows), open_groups=open_groups)
    lines = ["| attention rule | cell | groups per person at the end | groups open at the end | share thriving"
             " | share dormant |", "|---|---|---|---|---|---|"]
    order = {name: i for i, name in enumerate(hysteresis.CELLS.values())}
    for (rule, name), part in sorted(rows.groupby([CAPACITY, "cell"]), key=lambda kv: (kv[0][0], order[kv[0][1]])):
        lines.append(f"| {ATTENTION_RULES.get(rule, rule)} | {name} | {part.mean_groups_per_person.mean():.2f}"
                     f" | {part.open_groups.mean():.1f} | {_over_seeds_cell(part.share_thriving)}"
                     f" | {_over_seeds_cell(part.share_dormant)} |")
    paired = ["| attention rule | overloaded first minus never overloaded | groups per person at the end"
              " (overloaded / never) | share thriving (points) | share dormant (points) |", "|---|---|---|---|---|"]
    for rule, part in rows.groupby(CAPACITY):
        wide = part.pivot_table(index="seed", columns="cell",
                                values=["share_thriving", "share_dormant", "mean_groups_per_person"])
        present = set(wide.columns.get_level_values("cell"))
        for over, never in hysteresis.PAIRS:
            if not {over, never} <= present:
                diff, gpp = ["n/a (a cell missing)"] * 2, "n/a"
            else:
                diff = [_over_seeds_cell(wide[k][over] - wide[k][never], True)
                        for k in ("share_thriving", "share_dormant")]
                ends = wide["mean_groups_per_person"]
                gpp = f"{ends[over].mean():.2f} / {ends[never].mean():.2f}"
            paired.append(f"| {ATTENTION_RULES.get(rule, rule)} | {over} minus {never} | {gpp} | {diff[0]}"
                          f" | {diff[1]} |")
    return (f"96 groups on the small population, groups of 300 ('high') or 75 ('low') members at the start; at the"
            f" end of reported week 20 half or three quarters of all memberships cut, or none. Mean over"
            f" {rows.seed.nunique()} seeds [95% interval over seeds] (method).\n\n" + "\n".join(lines) + "\n\n"
            + "\n".join(paired) + f"\n\n{provenance(e)}")


def render_seed_power(root: Path, _arg: str) -> str:
    """Seeds each preset needs, from its committed per-seed findings (:mod:`experiments.analysis.power`).

    One row per preset (the median and the largest over its comparisons), or one per
    measure where the change to detect differs between measures (validate).
    """
    lines = ["| experiment | what is compared (paired by seed) | change to detect | seeds in the data | SD over seeds:"
             " median comparison (largest) | seeds needed: median comparison (largest) | smallest change detectable"
             " with the preset's seeds: median (largest) | seeds in the preset |", "|---|---|---|---|---|---|---|---|"]
    pending_notes = []
    for key, preset in power.PRESETS.items():
        e, frame = _sweep_rows(root, key)
        if frame is None:
            pending_notes.append(f"- `{preset.config}`: {pending(e)}")
            continue
        table = power.needs(key, frame).dropna(subset=["sd"])
        if table.empty:
            pending_notes.append(f"- `{preset.config}`: no comparison with two or more seeds in `{e['file']}`")
            continue
        n = power.preset_seeds(root, preset.config)
        points = preset.shares  # shares in points, one row; other measures one row each, in their unit
        parts = [(preset.compared, preset.outcome, table)] if points else [
            (f"{preset.compared}: {r.comparison}", f"{r.delta:.3g} ({preset.outcome})", table.iloc[[i]])
            for i, r in enumerate(table.itertuples())]
        for compared, outcome, rows in parts:
            sd = rows["sd"] * (100 if points else 1)
            detectable, need = power.Z * sd / math.sqrt(n), rows["seeds_needed"]
            f, unit = (".1f", " points") if points else (".3g", "")
            lines.append(f"| `{preset.config}` | {compared} | {outcome} | {int(rows['seeds'].max())}"
                         f" | {sd.median():{f}}{unit} ({sd.max():{f}}) | {need.median():.0f} ({need.max():.0f})"
                         f" | {detectable.median():{f}}{unit} ({detectable.max():{f}}) | {n} |")
    note = ("Seeds needed: n = ((z_0.975 + z_0.8) x SD / change)^2 (a two-sided 5% test with 80% power), SD the"
            " standard deviation over seeds of each comparison's paired difference (for validate, of the measure,"
            " in its own unit); smallest change detectable: (z_0.975 + z_0.8) x SD / sqrt(seeds in the preset)."
            " Data: each preset's per-seed findings file (docs/findings/manifest.json).")
    return note + "\n\n" + "\n".join(lines) + ("\n\n" + "\n".join(pending_notes) if pending_notes else "")


def render_s3_groups(root: Path, key: str) -> str:
    """S3's posts with and without its fallback to the 30 largest groups (``python -m benchmarks s3-groups``)."""
    e, data = _findings_json(root, key or "s3_groups")
    if data is None:
        return pending(e)
    low, high = data["range"]
    lines = [f"| seeds | count | S3 posts in range ({low:g}-{high:g}) | S3 posts per 1,000 member-weeks:"
             " mean [95% interval over seeds] | median members of the groups S3 measured: mean over seeds [95%"
             " interval] | smallest group S3 measured (members; lowest and highest over seeds) |",
             "|---|---|---|---|---|---|"]

    def cell(c, f):
        return (f"{c['mean']:{f}} [{c['low']:{f}}, {c['high']:{f}}] ({c['method']})" if c and math.isfinite(c["low"])
                else (f"{c['mean']:{f}} ({c['method']})" if c else "n/a"))

    for name, p in data["parts"].items():
        smallest = p.get("smallest_members")
        lines.append(f"| {name} | {p['seeds']} | {p['in_range']} | {cell(p.get('posts'), '.2f')}"
                     f" | {cell(p.get('median_members'), ',.0f')}"
                     f" | {f'{smallest[0]:,}-{smallest[1]:,}' if smallest else 'n/a'} |")
    return "\n".join(lines) + f"\n\n{provenance(e)}"


@dataclass(frozen=True)
class Block:
    """A kind of generated block: the file it is rendered from, and how."""

    source: Callable[[Path, str], str]
    render: Callable[[Path, str], str]


def _file_of(key: str) -> Callable[[Path, str], str]:
    return lambda root, arg: entry(root, arg or key)["file"]


def _fixed(path: str) -> Callable[[Path, str], str]:
    return lambda root, arg: path


BLOCKS: Dict[str, Block] = {
    "facts": Block(_fixed("sim/facts.py"), render_facts),
    "probes": Block(_file_of("probes"), render_probes),
    "validation": Block(_file_of("validation"), render_validation),
    "verdicts": Block(_file_of("validation"), render_verdicts),
    "status": Block(_fixed(MANIFEST), render_status),
    "ranking": Block(_file_of(""), render_ranking),
    "by-size": Block(_file_of(""), render_by_size),
    "manifest": Block(_fixed(MANIFEST), render_manifest),
    "interval-rule": Block(_fixed("experiments/intervals.py"), render_rule),
    "stationarity": Block(_file_of("stationarity"), render_stationarity),
    "seed-question": Block(_file_of("seed_question"), render_seed_question),
    "path-dependence": Block(_file_of("path_dependence"), render_path_dependence),
    "answers": Block(_file_of(""), render_answers),
    "indices": Block(_file_of(""), render_indices),
    "calibration": Block(_file_of("calibration"), render_calibration),
    "throughput": Block(_fixed(THROUGHPUT), render_throughput),
    "s3-groups": Block(_file_of("s3_groups"), render_s3_groups),
    "facts-sweep": Block(_file_of(""), render_facts_sweep),
    "stopping": Block(_file_of("stopping"), render_stopping),
    "h1-ceiling": Block(_file_of("h1_ceiling"), render_h1_ceiling),
    "attention-tipping-point": Block(_file_of("attention_tipping_point"), render_attention_tipping_point),
    "attention-hysteresis": Block(_file_of("attention_hysteresis"), render_attention_hysteresis),
    "seed-power": Block(_fixed(MANIFEST), render_seed_power),
}
"""Every kind of block; ``KIND:KEY`` passes ``KEY`` (a manifest entry) to its renderer."""


# ----------------------------------------------------------------- pages


@dataclass(frozen=True)
class Found:
    """One generated block of a page: where it is, what it says, and what its data gives."""

    page: str
    name: str
    start: int
    end: int
    marker: str
    body: str
    wanted: str


def render(root: Path, name: str, source: str) -> str:
    """The body of block ``name`` (``KIND`` or ``KIND:ARG``), checked against the source its marker names."""
    kind, _, arg = name.partition(":")
    if kind not in BLOCKS:
        raise ReportError(f"unknown block {name!r}: allowed {', '.join(sorted(BLOCKS))} (status:KEY for a manifest"
                          " entry)")
    block = BLOCKS[kind]
    expected = block.source(root, arg)
    if source != expected:
        raise ReportError(f"block {name!r} is rendered from {expected}, not {source}")
    return block.render(root, arg).rstrip("\n") + "\n"


def blocks(root: Path, page: str) -> List[Found]:
    """The generated blocks of one page, each with the body its data gives."""
    text = (root / page).read_text(encoding="utf-8")
    out = []
    for m in MARKER.finditer(text):
        try:
            wanted = render(root, m["name"], m["source"])
        except (ReportError, OSError, ValueError, KeyError) as exc:
            raise ReportError(f"{page}: block {m['name']}: {exc}") from exc
        marker = text[m.start():m.start("body")]
        out.append(Found(page, m["name"], m.start("body"), m.end("body"), marker, m["body"], wanted))
    return out


def stale(root: Path) -> List[Found]:
    """Every block, on every page, whose text differs from what its data gives."""
    return [b for page in PAGES if (root / page).exists() for b in blocks(root, page) if b.body != b.wanted]


def rewrite(root: Path) -> List[Found]:
    """Rewrite the stale blocks of every page; returns them."""
    changed = stale(root)
    for page in sorted({b.page for b in changed}):
        text = (root / page).read_text(encoding="utf-8")
        for b in sorted((b for b in changed if b.page == page), key=lambda b: -b.start):
            text = text[:b.start] + b.wanted + text[b.end:]
        (root / page).write_text(text, encoding="utf-8")
    return changed


def commands(root: Path) -> List[str]:
    """The command that (re)makes each findings file, one line each, in manifest order."""
    return [f"{e['file']}: {e['command']}" for e in manifest(root).values()]


def collect(root: Path, key: str, sweep: Path, commit: str, today: str) -> Path:
    """Keep what entry ``key`` takes of a sweep as its findings file, and record its provenance.

    Reads ``sweep_summary.csv`` of ``sweep`` (the jobs that ran). An entry with ``from`` takes
    that file of the sweep root as it is (a sweep's report: ``path_dependence.csv``,
    ``sensitivity.csv``); otherwise it keeps ``seed``, the entry's ``column`` (if it names one)
    and ``columns`` of the jobs. Sets the entry's ``commit``, ``seeds`` (of the jobs) and ``date`` in the manifest:
    provenance is written by the tool, never typed.
    """
    e = entry(root, key)
    try:
        jobs = pd.read_csv(sweep / "sweep_summary.csv")
    except OSError as exc:
        raise ReportError(f"--collect {key} {sweep}: no sweep_summary.csv there ({exc.strerror})") from exc
    if "from" in e:
        try:
            pd.read_csv(sweep / e["from"]).to_csv(root / e["file"], index=False)
        except OSError as exc:
            raise ReportError(f"--collect {key} {sweep}: no {e['from']} there ({exc.strerror}): run the sweep's"
                              " report first") from exc
    else:
        wanted = ["seed", *([e["column"]] if "column" in e else []), *e["columns"]]
        missing = [c for c in wanted if c not in jobs.columns]
        if missing:
            raise ReportError(f"--collect {key} {sweep}: the sweep has no column(s) {', '.join(missing)}")
        jobs[wanted].to_csv(root / e["file"], index=False)
    seeds = sorted(jobs["seed"].unique())
    found = manifest(root)
    found[key].update(commit=commit, seeds=f"{seeds[0]}-{seeds[-1]}" if len(seeds) > 1 else str(seeds[0]),
                      date=today)
    (root / MANIFEST).write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
    return root / e["file"]


def head_commit(root: Path) -> str:
    """The short commit of the checkout (the model a collected sweep ran on)."""
    done = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def main(argv: List[str] | None = None) -> int:
    """Rewrite, check or list; one line per problem, exit 1 when stale or unreadable."""
    parser = argparse.ArgumentParser(prog="groupsim-report", description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--check", action="store_true", help="exit 1 when any generated block differs from its data")
    what.add_argument("--commands", action="store_true", help="list the commands that regenerate each findings file")
    what.add_argument("--collect", nargs=2, metavar=("KEY", "SWEEP_DIR"),
                      help="write a sweep's per-job columns as findings file KEY and record its provenance")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root (default: this checkout)")
    parser.add_argument("--commit", help="with --collect: the commit of the model the sweep ran on, when it ran from"
                                         " another checkout (default: this checkout's)")
    args = parser.parse_args(argv)
    try:
        if args.collect:
            key, sweep = args.collect
            commit = args.commit or head_commit(args.root)
            print(f"wrote {collect(args.root, key, Path(sweep), commit, date.today().isoformat())}")
            return 0
        if args.commands:
            print("\n".join(commands(args.root)))
            return 0
        if args.check:
            found = stale(args.root)
            for b in found:
                print(f"{b.page}: generated block {b.name} differs from its data (run groupsim-report)",
                      file=sys.stderr)
            return 1 if found else 0
        for b in rewrite(args.root):
            print(f"{b.page}: rewrote block {b.name}")
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
