"""Drawing the figures from their tidy tables (see :mod:`experiments.plotting.data`).

Each ``figure_*`` function takes the table(s) of one figure and returns a matplotlib
:class:`~matplotlib.figure.Figure` drawn on the Agg canvas: no pyplot, no global state,
no screen needed, safe inside a Hydra callback. Print-friendly throughout: about 7 in
wide (a page column) so that text stays at 9-12 pt, charters told apart by line style and
marker as well as by colour (Okabe-Ito palette), heatmaps in a colour map whose lightness
rises monotonically (readable in grayscale).
"""

from __future__ import annotations

import textwrap
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from experiments.intervals import T
from experiments.plotting import stats
from experiments.plotting.data import (
    MEDIAN_OVER_SEEDS,
    MEDIAN_WITHIN_RUN,
    NULL_SOURCE,
    SURVIVAL_COHORTS,
    charter_order,
    heatmap_matrix,
)

WIDTH = 7.2  # inches: a full page column
STYLE = {
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "figure.titlesize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.8,
    "savefig.dpi": 200,
    "svg.hashsalt": "groupsim",  # identical SVGs for identical data
}
SEQUENTIAL = "viridis"  # lightness rises monotonically: survives grayscale printing
LINE_STYLES = (
    {"color": "#0072B2", "marker": "o", "linestyle": "-"},
    {"color": "#D55E00", "marker": "s", "linestyle": "--"},
    {"color": "#009E73", "marker": "^", "linestyle": "-."},
    {"color": "#CC79A7", "marker": "D", "linestyle": ":"},
    {"color": "#E69F00", "marker": "v", "linestyle": (0, (5, 1, 1, 1, 1, 1))},
    {"color": "#56B4E9", "marker": "P", "linestyle": (0, (1, 1))},
)
HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo")
GRAY = "0.35"
OUTCOME = "groups present when the simulation started (not those founded in it); one that closed counts as not thriving"
"""Which groups the shares thriving of figures 2, 4 and 7 count, and how (``plotting.data._outcomes``)."""
_plain = FuncFormatter(lambda v, _pos: f"{v:,.0f}" if float(v).is_integer() else f"{v:g}")
"""Tick labels as plain numbers (1, 10, 1,000), not powers of ten."""


PARAMETERS = {
    "charter": ("charter", "charter"),
    "groups/charter_mix": ("charter", "charter (of every group in the job)"),
    "groups.size_median": (
        "swept median size",
        "swept groups.size_median (members; each run's groups spread around it)",
    ),
    "initial size": ("initial size", "each group's own initial size (members), binned as in figure 2"),
    "groups.count": ("number of groups", "number of groups"),
    "population.size": ("population", "professionals"),
    "charters.employment_association.defunct_share": (
        "defunct employers",
        "share of employment associations\nwith a defunct employer",
    ),
    "ablation": ("trait switched off", "trait switched off"),
    "intervention": ("intervention", "intervention"),
}
"""Swept parameters as words: (short name for titles, axis label with units)."""


def parameter(key: str) -> tuple[str, str]:
    """(title name, axis label) of a swept parameter; the key itself when unknown."""
    return PARAMETERS.get(key, (key, key))


def label(name: str) -> str:
    """A charter or parameter name as text: ``industry_profession`` -> ``industry profession``."""
    return str(name).replace("_", " ")


def charter_styles(charters) -> dict[str, dict]:
    """Line style, marker and colour per charter, stable across figures."""
    return {c: LINE_STYLES[i % len(LINE_STYLES)] for i, c in enumerate(charter_order(charters))}


@contextmanager
def _style():
    with matplotlib.rc_context(STYLE):
        yield


def new_figure(height: float, width: float = WIDTH) -> Figure:
    """A figure of the given size in inches, laid out with constrained layout."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def save(fig: Figure, stem: Path) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg``; return both paths."""
    out = []
    with _style():
        for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None})):
            path = stem.with_suffix(f".{ext}")
            fig.savefig(path, metadata=meta)
            out.append(path)
    return out


def _note(fig: Figure, text: str) -> None:
    """A caption under the axes (what the bands and bars are), wrapped to the figure's width."""
    width = int(fig.get_figwidth() * 72 / (9 * 0.56))  # characters of 9 pt text per line
    fig.supxlabel(textwrap.fill(text, width), fontsize=9, color="0.25")


def _methods(*columns) -> str:
    """The interval methods named in tables' ``interval`` columns, in words (what a note states)."""
    used = pd.Series([v for c in columns if c is not None for v in c], dtype=object).dropna()
    return stats.describe(used[used != ""].unique())


def _wrap(text: str, width: int = 14) -> str:
    """A tick label on several short lines."""
    return "\n".join(textwrap.wrap(text, width)) or text


def _survival_band(methods: set) -> str:
    """Figure 3's bands in words, from its table's ``interval`` column (curves of one seed and of several may mix)."""
    methods = set(methods)
    words = {
        "seeds": "95% bootstrap CI over seeds (seeds resampled, not groups)",
        T: f"95% CI, {stats.describe({T})}, of each seed's curve",
        "greenwood": "95% CI (Greenwood, log-log)" + (" for a curve of one seed" if len(methods) > 1 else ""),
    }
    bands = [text for method, text in words.items() if method in methods]
    rest = stats.describe(methods - set(words))
    return "; ".join([f"band: {text}" for text in bands] + ([f"no band ({rest})"] if rest else [])) or "no band"


# ----------------------------------------------------------------- figure 1


def _median_method(table: pd.DataFrame) -> str:
    """Figure 1's interval methods in words."""
    used = set(table.get("interval", ()))
    words = {MEDIAN_OVER_SEEDS: "seeds resampled", MEDIAN_WITHIN_RUN: "order statistics"}
    over = stats.describe(used - set(words))  # 2-9 seeds: over each seed's median (experiments/intervals.py)
    return "; ".join([words[m] for m in words if m in used] + ([f"{over}, of each seed's median"] if over else []))


def figure_activity(table: pd.DataFrame, thresholds: dict) -> Figure:
    """Figure 1: weekly posts per group over time, one panel per charter, one line per size class."""
    with _style():
        charters = charter_order(table["charter"])
        classes = list(pd.unique(table["size_class"].astype(str))) if "size_class" in table else ["all sizes"]
        if "size_class" not in table:
            table = table.assign(size_class="all sizes")
        styles = {c: LINE_STYLES[i % len(LINE_STYLES)] for i, c in enumerate(classes)}
        colors = {c: st["color"] for c, st in styles.items()}
        lines = {c: st["linestyle"] for c, st in styles.items()}
        key_rows = -(-(len(classes) + 4) // 2)  # the legend below: a line per size class and four more, two columns
        fig = new_figure(3.6 + 0.25 * max(0, key_rows - 3))  # taller when more size classes need more legend rows
        axes = fig.subplots(1, len(charters), squeeze=False)[0]  # each charter on its own linear scale
        thriving = float(thresholds["thriving_posts_per_week"])
        dormant = float(thresholds["dormant_max_posts"]) / float(thresholds["dormant_window_weeks"])
        for ax, charter in zip(axes, charters, strict=True):
            t = table[table["charter"] == charter]
            counts = []
            for size, part in t.groupby(t["size_class"].astype(str), sort=False):
                ax.fill_between(
                    part["week"], part["median_ci_low"], part["median_ci_high"], color=colors[size], alpha=0.2, lw=0
                )
                ax.plot(part["week"], part["median"], color=colors[size], linestyle=lines[size])
                ax.plot(part["week"], part["q90"], color=colors[size], linestyle=lines[size], lw=0.8, alpha=0.7)
                counts.append(int(part["n_groups"].max()))
            ax.axhline(thriving, color=GRAY, linestyle="--", lw=1)
            ax.axhline(dormant, color="black", linestyle=":", lw=1.2)
            ax.set_title(f"{label(charter)}\n({sum(counts)} groups)")
            ax.set_xlabel("weeks since start")
            top = np.nanmax([t["median_ci_high"].max(), t["q90"].max(), thriving])
            ax.set_ylim(-0.03 * top, top * 1.15)
            ax.yaxis.set_major_locator(MaxNLocator(nbins=5, min_n_ticks=3))
            ax.yaxis.set_major_formatter(_plain)
        axes[0].set_ylabel("posts per group per week\n(each panel on its own scale)")
        key = [
            *(
                Line2D([], [], color=colors[c], linestyle=lines[c], label=f"median group, initial size {c}")
                for c in classes
            ),
            Patch(color="0.55", alpha=0.4, lw=0,
                  label=textwrap.fill(f"band: median's 95% CI ({_median_method(table)})", 48)),
            Line2D([], [], color="0.3", lw=0.8, alpha=0.7, label="thin: 90th-percentile group"),
            Line2D(
                [],
                [],
                color=GRAY,
                linestyle="--",
                lw=1,
                label=(
                    f"thriving: ≥{thriving:g} posts/wk over {thresholds['window_weeks']:g} wk, "
                    f"≥{thresholds['thriving_min_posters']:g} posters"
                ),
            ),
            Line2D(
                [],
                [],
                color="black",
                linestyle=":",
                lw=1.2,
                label=(
                    f"dormant: ≤{thresholds['dormant_max_posts']:g} posts in "
                    f"{thresholds['dormant_window_weeks']:g} weeks"
                ),
            ),
        ]
        fig.legend(handles=key, loc="outside lower center", ncols=2, frameon=False)
        fig.suptitle("Does activity last? Weekly posts per group, by charter")
    return fig


# ----------------------------------------------------------------- figure 2


def figure_thriving_by_size(table: pd.DataFrame, horizon: float, n_seeds: int) -> Figure:
    """Figure 2: probability of thriving at the horizon against initial size, per charter.

    The null model's curve (constant per-capita posting, same classifier) is dotted. A table
    with ``band_low``/``band_high`` (a sweep over calibrated parameter sets) adds, per charter,
    a hatched band across the sets beside the seed interval.
    """
    with _style():
        fig = new_figure(4.2)
        ax = fig.subplots()
        if "source" not in table.columns:
            table = table.assign(source="model")
        charters = charter_order(table["charter"])
        styles = charter_styles(charters)
        model = table[table["source"] == "model"]
        has_band = "band_low" in model.columns and model["band_low"].notna().any()
        for charter in charters:
            t = model[model["charter"] == charter]
            yerr = [t["share"] - t["ci_low"], t["ci_high"] - t["share"]]
            ax.errorbar(
                t["size_median"], t["share"], yerr=yerr, capsize=3, markersize=6, alpha=0.85,
                label=label(charter), **styles[charter],
            )
            if has_band:
                ax.fill_between(t["size_median"], t["band_low"], t["band_high"], facecolor="none",
                                edgecolor=styles[charter].get("color"), hatch="///", linewidth=0.8, alpha=0.6)
            n = table[(table["charter"] == charter) & (table["source"] == NULL_SOURCE)]
            if len(n):
                style = {**styles[charter], "linestyle": ":", "linewidth": 2.2, "marker": "x", "alpha": 0.9}
                ax.plot(n["size_median"], n["share"], **style)
                ax.fill_between(n["size_median"], n["ci_low"], n["ci_high"],
                                color=styles[charter].get("color"), alpha=0.12, linewidth=0)
        if has_band:
            ax.fill_between([], [], [], facecolor="none", edgecolor="0.3", hatch="///",
                            label="parameter sets: 5-95%\nof per-set means (hatched)")
        if (table["source"] == NULL_SOURCE).any():
            ax.plot([], [], color="0.3", linestyle=":", marker="x", label="null model (dotted, x)")
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(_plain)
        ax.xaxis.set_minor_formatter(
            FuncFormatter(lambda v, _pos: f"{v:,.0f}" if str(int(round(v)))[0] in "25" else "")
        )
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel("each group's own initial size (members, log scale; median of its bin)")
        ax.set_ylabel(f"share of groups thriving at week {horizon:g}")
        ax.legend(title="charter", frameon=False)
        ax.grid(True, which="major", color="0.9")
        fig.suptitle("Are larger groups more likely to thrive? Model against a null without group dynamics")
        bars = _methods(table.get("interval"))
        seeds = f"{'mean over seeds' if n_seeds > 1 else 'one run'}; bars: 95% CI ({bars})"
        if has_band:
            seeds = (f"{int(model['n_sets'].max())} calibrated parameter sets run on the same seeds; points: mean over"
                     f" sets, bars: 95% CI over seeds of that mean ({bars}); hatched: 5-95% over sets of each set's"
                     " mean over seeds (parameter uncertainty)")
        _note(
            fig,
            "groups binned by their own (realised) initial size (figure 4's charter x size cells are the same); "
            f"points: bins of ≥3 groups, drawn at the bin's median size; {OUTCOME}; {n_seeds} seed(s),"
            f" {seeds}; "
            "dotted with x: null model (one constant per-capita posting rate, same classifier), band: its interval",
        )
    return fig


# ----------------------------------------------------------------- figure 3

SURVIVAL_PANELS = {
    "founded_during": "(a) founded during the reported weeks:\ntime from founding",
    "present_at_start": "(b) alive when the reported weeks began:\ntime from then",
}
"""Figure 3's panel titles, one per cohort of :data:`experiments.plotting.data.SURVIVAL_COHORTS`."""


def figure_survival(table: pd.DataFrame, horizon: float, earliest: float | None = None) -> Figure:
    """Figure 3: Kaplan-Meier curves of the share of groups not yet dormant, one panel per cohort, per charter.

    ``earliest``: the classifier's earliest possible dormancy in weeks since founding, marked
    in the panel whose time counts from founding.
    """
    with _style():
        fig = new_figure(4.6)
        axes = fig.subplots(1, len(SURVIVAL_COHORTS), sharey=True, squeeze=False)[0]
        styles = charter_styles(table["charter"])
        for ax, (cohort, since) in zip(axes, SURVIVAL_COHORTS.items(), strict=True):
            part = table[table["cohort"] == cohort]
            for charter in charter_order(part["charter"]):
                t = part[part["charter"] == charter]
                st = styles[charter]
                n = f"n={int(t['entered'].iloc[0])}"
                age = t["median_age_at_start"].iloc[0]
                ax.step(t["time"], t["survival"], where="post", color=st["color"], linestyle=st["linestyle"],
                        label=f"{label(charter)}\n({n}{'' if pd.isna(age) else f'; median age then {age:.0f} wk'})")
                ax.fill_between(t["time"], t["ci_low"], t["ci_high"], step="post", color=st["color"], alpha=0.15, lw=0)
                last = t.iloc[-1]
                if last["censored"] > 0:
                    ax.plot([last["time"]], [last["survival"]], marker="|", markersize=12, color=st["color"],
                            linestyle="none")
            if part.empty:
                ax.text(0.5, 0.5, "no groups in this cohort", transform=ax.transAxes, ha="center", va="center",
                        color=GRAY)
            else:
                ax.legend(frameon=False, loc="best")
            if cohort == "founded_during" and earliest and earliest <= horizon and not part.empty:
                ax.axvline(earliest, color=GRAY, lw=1, linestyle=":")
                right = earliest <= horizon / 2  # the words on the side of the line with room
                ax.annotate(f"earliest possible dormancy:\n{earliest:g} weeks without posts",
                            (earliest, 0.98), xycoords=ax.get_xaxis_transform(), xytext=(3 if right else -3, 0),
                            textcoords="offset points", color=GRAY, fontsize=9, va="top",
                            ha="left" if right else "right")
            ax.set_title(SURVIVAL_PANELS[cohort], loc="left")
            ax.set_xlim(0, horizon * 1.02)
            ax.set_ylim(-0.02, 1.03)
            ax.set_xlabel(since)
            ax.grid(True, color="0.9")
        axes[0].set_ylabel("share of groups not yet dormant")
        fig.suptitle("How long do groups stay alive? Time to dormancy by cohort and charter")
        _note(
            fig,
            "Kaplan-Meier. (a) groups founded during the reported weeks, from founding (none truncated); (b) groups "
            "founded before them and not dormant when they began, from then on: survival given alive then, not from "
            "founding (a curve of their age with delayed entry would be set at young ages by the few groups founded "
            "just before, not by the older ones). Groups first dormant before the reported weeks are in neither "
            "(left truncation); groups never dormant are censored at the horizon (|); "
            + _survival_band(set(table.get("interval", ())))
            + (
                f"; no group can be dormant before week {earliest:g} of its life, after this run's horizon"
                if earliest and earliest > horizon
                else ""
            ),
        )
    return fig


# ----------------------------------------------------------------- figure 4


def _fmt(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, (int, np.integer)):
        return f"{value:,}"
    return label(value)


def figure_heatmap(table: pd.DataFrame, rows: str, columns: str, n_seeds: int, note: str = "") -> Figure:
    """Figure 4: share of groups thriving over two swept parameters, with intervals in the cells.

    The parameter with more values goes on the rows, where long labels have room. Cells
    show the share, its interval and the number of groups while they fit; in large grids
    the share and interval, then the share alone (the intervals stay in the CSV).
    """
    if table[columns].nunique() > max(4, table[rows].nunique()):
        rows, columns = columns, rows
    with _style():
        share, low, high, n = (
            heatmap_matrix(table, rows, columns, v) for v in ("share", "ci_low", "ci_high", "n_groups")
        )
        n_rows, n_cols = share.shape
        fig = new_figure(max(3.2, 1.6 + (0.75 if n_rows <= 8 else 0.45) * n_rows))
        ax = fig.subplots()
        image = ax.imshow(share.to_numpy(dtype=float), cmap=SEQUENTIAL, vmin=0, vmax=1, aspect="auto")
        cells = n_rows * n_cols
        lines = 3 if cells <= 24 and n_cols <= 6 and n_rows <= 8 else 2 if n_cols <= 8 and n_rows <= 10 else 1
        for i in range(n_rows):
            for j in range(n_cols):
                value = share.iat[i, j]
                if pd.isna(value):
                    ax.text(j, i, "–", ha="center", va="center", fontsize=9)
                    continue
                text = [f"{value:.0%}", f"[{low.iat[i, j]:.0%}–{high.iat[i, j]:.0%}]", f"n={int(n.iat[i, j])}"][:lines]
                ax.text(
                    j,
                    i,
                    "\n".join(text),
                    ha="center",
                    va="center",
                    fontsize=9,
                    color="white" if value < 0.55 else "black",
                )
        column_chars = max(6, int((WIDTH - 3.0) / n_cols * 72 / (9 * 0.6)))
        ax.set_xticks(range(n_cols), [_wrap(_fmt(v), column_chars) for v in share.columns])
        ax.set_yticks(range(n_rows), [_fmt(v) for v in share.index])
        ax.set_xlabel(parameter(columns)[1])
        ax.set_ylabel(parameter(rows)[1])
        ax.spines[:].set_visible(False)
        fig.colorbar(image, ax=ax, label="share of groups thriving", fraction=0.05)
        fig.suptitle(f"Where do groups thrive? Share thriving by {parameter(rows)[0]} and {parameter(columns)[0]}")
        over_seeds = n_seeds > 1
        ci = f"95% CI: {_methods(table.get('interval'))}"
        what = {
            3: f" [{ci}] and number of groups",
            2: f" [{ci}]",
            1: f" ({ci}s in figures/data)",
        }[lines]
        _note(
            fig,
            f"cells: share of groups thriving at the horizon{what} ({OUTCOME}); "
            + (f"mean over {n_seeds} seeds" if over_seeds else f"{n_seeds} seed(s) pooled")
            + (f"; {note}" if note else "")
            + (
                "; a cell holds the groups of that charter whose own initial size falls in the bin, as in figure 2,"
                " so both figures give the same share (a group capped below the swept size counts at its own size)"
                if "initial size" in (rows, columns)
                else "; a cell pools all groups of its runs whatever their own size (figure 2 bins groups by their"
                " own initial size, so its shares at a given size differ)"
                if "groups.size_median" in (rows, columns)
                else ""
            ),
        )
    return fig


# ----------------------------------------------------------------- figure 5


def figure_participation(
    lorenz: pd.DataFrame, split: pd.DataFrame, badges: pd.DataFrame, heavy_min: int, large_group: int
) -> Figure:
    """Figure 5: Lorenz curve of posts, the 90-9-1 split, and the badge ratio per charter."""
    with _style():
        fig = new_figure(6.8)
        top, bottom = fig.subfigures(2, 1, height_ratios=[1.3, 0.85])
        ax_lorenz, ax_split = top.subplots(1, 2, width_ratios=[1.35, 1])
        ax_badge = bottom.subplots()
        charters = charter_order(badges["charter"]) if len(badges) else []
        styles = charter_styles(charters)

        # (a) Lorenz curves
        ax_lorenz.plot([0, 1], [0, 1], color=GRAY, lw=1, linestyle=":", label="equal posting")
        for name, curve in lorenz.groupby("charter", sort=False):
            st = (
                {"color": "black", "linestyle": "-"}
                if name == "all groups"
                else {k: styles[name][k] for k in ("color", "linestyle")}
            )
            first = curve.iloc[0]
            ax_lorenz.plot(
                curve["share_members"],
                curve["share_posts"],
                label=f"{label(name)}: Gini {first['gini']:.2f}\n  top 1%: {first['top1_share']:.0%} of all,"
                      f" {first.get('top1_share_posting', np.nan):.0%} of posting",
                **st,
            )
        ax_lorenz.set_xlabel("share of members (fewest posts first)")
        ax_lorenz.set_ylabel("share of all posts")
        ax_lorenz.set_title("(a) Who writes the posts?")
        ax_lorenz.legend(frameon=True, framealpha=0.9, edgecolor="none", loc="upper left")

        # (b) never / occasional / heavy vs 90-9-1
        categories = list(split["category"].unique())
        x = np.arange(len(categories))
        for k, source in enumerate(["model", "90-9-1 rule"]):
            s = split[split["source"] == source].set_index("category").reindex(categories)
            err = None
            if s["ci_low"].notna().any():
                err = [s["share"] - s["ci_low"], s["ci_high"] - s["share"]]
            ax_split.bar(x + (k - 0.5) * 0.38, s["share"], width=0.38, yerr=err, capsize=3,
                         color=["#0072B2", "white"][k], edgecolor="black", hatch=HATCHES[k * 2], label=source)
        ax_split.set_xticks(x, [c.replace(" ", "\n") for c in categories])
        ax_split.set_ylabel("share of members")
        ax_split.set_ylim(0, 1.05)
        ax_split.set_title(f"(b) 90-9-1? (heavy: ≥{heavy_min} posts)")
        ax_split.legend(frameon=False)

        # (c) badge ratio per charter, all and large groups
        has_large = bool((badges["size_class"] == "large groups").any()) if len(badges) else False
        if has_large:  # S1 speaks of large groups only
            ax_badge.axhspan(0.75, 0.95, color="0.88", lw=0, label=f"S1 target, groups ≥{large_group:,} (75-95%)")
        marks = {  # marker, colour, face, key text
            "all groups": ("o", "black", "black", "all groups"),
            "large groups": ("s", "#D55E00", "white", f"groups ≥{large_group:,} members"),
        }
        for k, (size_class, part) in enumerate(badges.groupby("size_class", sort=False)):
            marker, color, face, text = marks[size_class]
            pos = [charters.index(c) + (k - 0.5) * 0.2 for c in part["charter"]]
            yerr = [part["badge_ratio"] - part["ci_low"], part["ci_high"] - part["badge_ratio"]]
            ax_badge.errorbar(pos, part["badge_ratio"], yerr=yerr, marker=marker, linestyle="none", color=color,
                              markerfacecolor=face, capsize=3, markersize=7, label=text)
        ax_badge.set_xticks(range(len(charters)), [label(c) for c in charters])
        ax_badge.set_xlim(-0.6, len(charters) - 0.4)
        ax_badge.set_ylim(0, 1.05)
        ax_badge.set_ylabel("badge ratio\n(share of members\nwho never posted)")
        ax_badge.set_title("(c) What does a membership badge say? Badge ratio per charter")
        ax_badge.legend(frameon=False, loc="lower right")
        fig.suptitle("Who takes part? Participation inequality and the badge ratio")
        _note(
            fig,
            "members: memberships held at the end of the run; (a) top 1%: share of posts written by the top 1%"
            " of all members, and of the members who posted (stylized fact S2's denominator; S2 counts people"
            " across their groups); "
            + ("bars (b, c): one run" if "wilson" in set(split.get("interval", ())) else "bars (b, c): mean over seeds")
            + f", 95% CI ({_methods(split.get('interval'), badges.get('interval'))})"
            + ("" if has_large else f"; no group has {large_group:,}+ members, so stylized fact S1 does not apply"),
        )
    return fig


# ----------------------------------------------------------------- figure 6


def figure_activity_by_hour(cells: pd.DataFrame, profile: pd.DataFrame, clock: dict) -> Figure:
    """Figure 6: posts by hour of day and weekday (heatmap), and the workday/weekend profile."""
    with _style():
        fig = new_figure(6.2)
        ax_map, ax_prof = fig.subplots(2, 1, height_ratios=[1, 1.05])
        matrix = cells.pivot(index="weekday", columns="hour_of_day", values="mean").reindex(
            index=range(7), columns=range(24)
        )
        image = ax_map.imshow(
            matrix.to_numpy(dtype=float), cmap=SEQUENTIAL, aspect="auto", vmin=0, interpolation="nearest"
        )
        start, end = int(clock["work_start"]), int(clock["work_end"])
        ax_map.add_patch(
            Rectangle((start - 0.5, -0.5), end - start, 5, fill=False, edgecolor="white", lw=2, linestyle="--")
        )
        ax_map.text(
            end - 0.6, 4.35, "work hours", color="white", ha="right", va="bottom", fontsize=9, fontweight="bold"
        )
        ax_map.set_yticks(range(7), ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
        ax_map.set_xticks(range(0, 24, 2))
        ax_map.set_xlabel("hour of day")
        ax_map.spines[:].set_visible(False)
        fig.colorbar(image, ax=ax_map, label="posts per hour\nper 1,000 professionals", fraction=0.04)
        ax_map.set_title("(a) Mean posts per hour, by weekday and hour")

        styles = {"workdays": ("black", "o", "-"), "weekend": ("#D55E00", "s", "--")}
        ax_prof.axvspan(start, end, color="0.9", lw=0, label="work hours (Mon-Fri)")
        for day_type, part in profile.groupby("day_type", sort=False):
            color, marker, ls = styles.get(day_type, ("#0072B2", "^", ":"))
            ax_prof.fill_between(part["hour_of_day"], part["ci_low"], part["ci_high"], color=color, alpha=0.2, lw=0)
            ax_prof.plot(
                part["hour_of_day"],
                part["mean"],
                color=color,
                marker=marker,
                linestyle=ls,
                markersize=4,
                label=f"{day_type} (mean, 95% CI)",
            )
        ax_prof.set_xlim(-0.5, 23.5)
        ax_prof.set_xticks(range(0, 24, 2))
        ax_prof.set_ylim(0, np.nanmax([profile["ci_high"].max(), profile["mean"].max()]) * 1.35)  # room for the key
        ax_prof.set_xlabel("hour of day (the hour starting at)")
        ax_prof.set_ylabel("posts per hour\nper 1,000 professionals")
        ax_prof.set_title("(b) Workdays vs weekend")
        ax_prof.legend(frameon=False, loc="upper left", ncols=2, handlelength=2.5)
        fig.suptitle("When are professionals active? Posts by hour of day and weekday")
        _note(fig, f"band (b): 95% CI ({_methods(profile.get('interval'))})")
    return fig


# ----------------------------------------------------------------- figure 7

VARIANT_TITLES = {
    "ablation": "Which traits matter? Share of groups thriving with each trait switched off",
    "intervention": "What keeps groups alive? Share of groups thriving under each intervention",
}


def figure_variants(table: pd.DataFrame, column: str, baseline: str, n_seeds: int) -> Figure:
    """Figure 7: each variant's share thriving (left) and its change vs the baseline (right)."""
    title = VARIANT_TITLES.get(column, f"How does {column} change the share of groups thriving?")
    ylabel = parameter(column)[1]
    with _style():
        n = len(table)
        fig = new_figure(1.9 + 0.38 * n)
        ax_share, ax_diff = fig.subplots(1, 2, sharey=True, width_ratios=[1, 1.1])
        y = np.arange(n)[::-1]
        is_base = (table[column] == str(baseline)).to_numpy()
        base = table[is_base]
        if len(base):
            b = base.iloc[0]
            ax_share.axvspan(b["ci_low"], b["ci_high"], color="0.88", lw=0)
            ax_share.axvline(b["share"], color=GRAY, lw=1, linestyle="--")
        for mask, face, marker in ((is_base, "white", "s"), (~is_base, "black", "o")):
            t = table[mask]
            ax_share.errorbar(t["share"], y[mask], xerr=[t["share"] - t["ci_low"], t["ci_high"] - t["share"]],
                              marker=marker, markerfacecolor=face, color="black", linestyle="none", capsize=3)
        ax_share.set_yticks(y, [label(v) for v in table[column]])
        ax_share.set_xlim(-0.02, 1.02)
        ax_share.set_xlabel("share of groups thriving at the horizon")
        ax_share.set_ylabel(ylabel)
        ax_share.set_title("(a) share thriving")
        diff = table["diff"] * 100
        ax_diff.axvline(0, color=GRAY, lw=1, linestyle="--")
        ax_diff.errorbar(
            diff[~is_base],
            y[~is_base],
            xerr=[
                (table["diff"] - table["diff_low"])[~is_base] * 100,
                (table["diff_high"] - table["diff"])[~is_base] * 100,
            ],
            marker="o",
            color="black",
            linestyle="none",
            capsize=3,
        )
        ax_diff.set_xlabel(f"change vs {label(baseline)} (percentage points)")
        ax_diff.set_title("(b) effect vs baseline")
        ax_diff.grid(True, axis="x", color="0.9")
        fig.suptitle(title)
        seeds = (f"{n_seeds} seeds; shares: mean over seeds, 95% CI ({_methods(table.get('interval'))});"
                 f" changes: paired by seed (each seed against the baseline at the same seed), 95% CI"
                 f" ({_methods(table['diff_interval'][~is_base])})" if n_seeds > 1 else
                 "one run; bars: 95% CI (Wilson for shares, Newcombe for differences)")
        _note(fig, f"{seeds}; grey band and dashed line: baseline ({label(baseline)}); {OUTCOME}")
    return fig


def _points_span(values: np.ndarray, least: float = 2.0) -> tuple[float, float]:
    """X limits in percentage points around ``values`` and 0, padded, at least ``least`` wide.

    Differences that are all 0 up to rounding (a variant without effect) would otherwise
    give an axis of 1e-17 points.
    """
    points = np.append(values[np.isfinite(values)].round(9), 0.0)
    lo, hi = float(points.min()), float(points.max())
    centre, half = (lo + hi) / 2, max(hi - lo, least) / 2 * 1.15
    return centre - half, centre + half


def figure_variants_by_charter(table: pd.DataFrame, column: str, baseline: str, n_seeds: int) -> Figure:
    """Figure 7 per charter: each variant's change in share thriving against the baseline arm, one panel per charter.

    ``table`` is :func:`experiments.plotting.data.variant_effects` with ``by=["charter"]``.
    Each panel's title gives the charter's baseline share, so a floor (0% thriving) is seen.
    """
    title = f"Does it work for every charter? Change in share thriving per {parameter(column)[0]}"
    charters = charter_order(table["charter"])
    variants = [v for v in pd.unique(table[column]) if v != str(baseline)]
    with _style():
        fig = new_figure(2.8 + 0.38 * max(len(variants), 1))
        axes = fig.subplots(1, len(charters), sharey=True, sharex=True, squeeze=False)[0]
        y = np.arange(len(variants))[::-1]
        for ax, charter in zip(axes, charters, strict=True):
            t = table[table["charter"] == charter].set_index(column)
            base = t.loc[str(baseline), "share"] if str(baseline) in t.index else np.nan
            d = t.reindex(variants)
            ax.axvline(0, color=GRAY, lw=1, linestyle="--")
            err = [(d["diff"] - d["diff_low"]) * 100, (d["diff_high"] - d["diff"]) * 100]
            ax.errorbar(d["diff"] * 100, y, xerr=err, marker="o", color="black", linestyle="none", capsize=3)
            ax.set_title(f"{label(charter)}\n(baseline: {base:.0%} thriving)")
            ax.set_xlabel(f"change vs {label(baseline)}\n(percentage points)")
            ax.grid(True, axis="x", color="0.9")
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4))  # narrow panels: few labels
        axes[0].set_xlim(_points_span(table[["diff_low", "diff", "diff_high"]].to_numpy() * 100))
        axes[0].set_yticks(y, [label(v) for v in variants])
        axes[0].set_ylabel(parameter(column)[1])
        fig.suptitle(title)
        diff_methods = _methods(table["diff_interval"][table[column] != str(baseline)])
        _note(fig, (f"{n_seeds} seeds; each charter's groups against the same charter's groups in the baseline arm at"
                    f" the same seed (paired), mean over seeds; bars: 95% CI ({diff_methods})" if n_seeds > 1 else
                    f"one run; each charter's groups against the baseline arm's; bars: 95% CI ({diff_methods})")
              + "; a charter at 0% thriving in its baseline can only rise")
    return fig
