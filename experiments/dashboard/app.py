"""groupsim dashboard: watch a group's culture form (a Mesa SolaraViz app).

Start it with ``groupsim-dashboard`` (or ``solara run experiments/dashboard/app.py``).
Every number it shows comes from :mod:`experiments.dashboard.data`; this module only
lays out controls and draws. Mesa 3.3's ``mesa.visualization`` API only.

Each browser session gets its own model and controls: :func:`Page` builds the model in a
background task when the session opens (showing the spin-up's wait) and hands it to
SolaraViz, which keeps it in that session's state. Views are spread over tabs so that a
step redraws only the tab in sight, and each figure is drawn once per simulated tick.
"""

from __future__ import annotations

import matplotlib
import networkx as nx
import numpy as np
import solara
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz

from experiments.dashboard import data
from experiments.plotting.draw import LINE_STYLES, SEQUENTIAL, STYLE
from sim.params import ModelParams

STATE_COLOURS = {"thriving": "#009E73", "active": "#E69F00", "dormant": "#56B4E9", "not founded": "#BBBBBB"}
FIG = (5.6, 3.0)
DPI = 96
CSS = """
.v-slider__thumb-label-container { display: block !important; }
.v-slider--horizontal { margin-top: 22px; }
"""
"""Slider values shown at all times (Vuetify shows the thumb label only while dragging)."""


def _slider(label: str, value: float, lo: float, hi: float, step: float) -> dict:
    kind = "SliderInt" if all(float(v).is_integer() for v in (value, lo, hi, step)) else "SliderFloat"
    return {"type": kind, "label": label, "value": value, "min": lo, "max": hi, "step": step}


def model_params() -> dict:
    """The controls, initialised from the model's defaults (:func:`data.default_controls`)."""
    d = data.default_controls()
    charters = data.charter_order(ModelParams().charters)
    share = "share of professionals: "
    params = {
        "step_unit": {"type": "Select", "label": "one step is a simulated", "value": d["step_unit"],
                      "values": list(data.STEP_HOURS)},
        "seed": {"type": "InputText", "label": "seed", "value": d["seed"]},
        "population_size": _slider("professionals", d["population_size"], 500, 20_000, 500),
        "groups_count": _slider("groups", d["groups_count"], 5, 200, 5),
        "weeks": _slider("weeks to simulate", d["weeks"], 4, 260, 4),
        "spinup_weeks": _slider("spin-up weeks (simulated at Reset, before week 0)", d["spinup_weeks"], 0, 156, 4),
    }
    for c in charters:
        params[f"mix_{c}"] = _slider(f"charter mix: {c}", d[f"mix_{c}"], 0.0, 1.0, 0.05)
    params.update({
        "charter": {"type": "Select", "label": "set one parameter of charter", "value": d["charter"],
                    "values": charters},
        "charter_field": {"type": "Select", "label": "charter parameter", "value": d["charter_field"],
                          "values": list(data.CHARTER_FIELDS)},
        "charter_value": {"type": "InputText", "label": "value (empty: the preset)", "value": d["charter_value"]},
        "blocked_at_work": _slider(share + "blocked at work", d["blocked_at_work"], 0.0, 1.0, 0.05),
        "office_hours_mindset": _slider(share + "8-to-5 mindset", d["office_hours_mindset"], 0.0, 1.0, 0.05),
        "job_search_fear": _slider("mean fear: posting looks like job hunting", d["job_search_fear"], 0, 1, 0.05),
        "job_hunting_only": _slider(share + "site is only for job hunting", d["job_hunting_only"], 0.0, 1.0, 0.05),
        "content_role": _slider(share + "content is part of the job", d["content_role"], 0.0, 1.0, 0.01),
        "profile_tidiness": _slider(share + "tidy profile", d["profile_tidiness"], 0.0, 1.0, 0.05),
        "attention_budget": _slider("attention budget (sessions per week)", d["attention_budget"], 0.0, 20.0, 0.25),
        "moderation": _slider("intervention: moderation", d["moderation"], 0.0, 5.0, 0.25),
        "manager_posts_per_week": _slider("intervention: manager posts per week", d["manager_posts_per_week"],
                                          0.0, 10.0, 0.5),
        "weekly_digest": _slider("intervention: weekly digest", d["weekly_digest"], 0.0, 1.0, 0.05),
    })
    return params


def _figure(width: float = FIG[0], height: float = FIG[1]) -> Figure:
    # Fixed margins: matplotlib's automatic layouts triple the time to draw a figure.
    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.16, top=0.9, wspace=0.35)
    return fig


def _key(model, *deps) -> list:
    """What a view depends on: the model, its simulated tick (none for a model in error) and ``deps``."""
    return [id(model), model.error, None if model.error is not None else model.tick, *deps]


def _per_tick(model, compute, *deps):
    """``compute()`` once per model, simulated tick and ``deps`` in this session (None for a model in error)."""
    return solara.use_memo(lambda: None if model.error is not None else compute(), dependencies=_key(model, *deps))


def _show(model, fig, *deps) -> None:
    """Show a Figure of :func:`_per_tick` (nothing for None), rendered once per model, simulated tick and ``deps``."""
    if fig is not None:
        solara.FigureMatplotlib(fig, dependencies=_key(model, *deps), format="png", dpi=DPI)


def _plot(model, draw, *deps) -> None:
    """Show the Figure ``draw()`` returns, drawn once per model, simulated tick and ``deps``."""
    _show(model, _per_tick(model, draw, *deps), *deps)


def _layout(nodes, edges) -> dict:
    graph = nx.Graph()
    graph.add_nodes_from(nodes.tolist())
    graph.add_edges_from(edges.tolist())
    return {"graph": graph, "pos": nx.spring_layout(graph, seed=0) if len(graph) else {}}


def matplotlib_style():
    """The figures' print-friendly style (shared with experiments/plotting)."""
    return matplotlib.rc_context(STYLE | {"font.size": 8, "axes.titlesize": 9, "axes.labelsize": 8})


# ----------------------------------------------------------------------- figures


def state_figure(shares, null_shares) -> Figure:
    """Share of groups thriving / active / dormant over weeks, and thriving under the null model."""
    with matplotlib_style():
        fig = _figure()
        ax = fig.subplots()
        for name in data.STATES:
            ax.plot(shares.week, shares[name], label=name, color=STATE_COLOURS[name], marker=".")
        ax.plot(null_shares.week, null_shares["thriving"], color=STATE_COLOURS["thriving"], linestyle=":",
                label="thriving under the null model")
        ax.set(xlabel="week", ylabel="share of groups", ylim=(0, 1), title="Groups thriving, active, dormant")
        ax.legend(loc="upper left", frameon=False)
    return fig


def posts_figure(posts) -> Figure:
    """Members' weekly posts per group by charter, beside the null model's expectation."""
    with matplotlib_style():
        fig = _figure()
        ax = fig.subplots()
        for (charter, rows), style in zip(posts.groupby("charter", sort=False), LINE_STYLES, strict=False):
            ax.plot(rows.week, rows.posts, label=charter, color=style["color"], marker=style["marker"])
            ax.plot(rows.week, rows.null, color=style["color"], linestyle=":", linewidth=1.2)
        ax.plot([], [], color="0.3", linestyle=":", label="null: one per-capita rate")
        ax.set(xlabel="week", ylabel="posts per group per week", title="Posts by charter vs the null model")
        ax.legend(frameon=False, fontsize=7)
    return fig


def badge_figure(wall) -> Figure:
    """Groups: members against the share of them who ever posted, coloured by state."""
    with matplotlib_style():
        fig = _figure()
        ax = fig.subplots()
        for state, rows in wall.groupby("state"):
            share = rows.posted / rows.members.clip(lower=1)
            ax.scatter(np.log10(rows.members.clip(lower=1)), share, s=18, label=state, color=STATE_COLOURS[state])
        # log10 by hand with fixed ticks: matplotlib's log locators take most of the drawing time
        ticks = range(0, int(np.log10(max(int(wall.members.max()), 1))) + 2)
        ax.set(xticks=list(ticks), xticklabels=[f"{10**t:,}" for t in ticks],
               xlabel="members now (log scale)", ylabel="share who ever posted", title="Badge wall")
        ax.set_ylim(bottom=0)
        ax.legend(frameon=False, fontsize=7)
    return fig


def activity_figure(model) -> Figure:
    """Visits by hour of day and weekday."""
    grid = data.activity_by_hour(model)["mean"].to_numpy().reshape(7, 24)
    with matplotlib_style():
        fig = _figure(height=2.6)
        ax = fig.subplots()
        im = ax.imshow(grid, aspect="auto", cmap=SEQUENTIAL)
        ax.set(yticks=range(7), yticklabels=data.WEEKDAYS, xticks=range(0, 24, 3), xlabel="hour of day",
               title="Visits per hour per 1,000 professionals")
        fig.colorbar(im, ax=ax, label="visits per hour")
    return fig


def inspector_figure(d: dict) -> Figure:
    """One group's members, posters and posts over weeks, and the network among its most active members."""
    net = _layout(d["nodes"], d["edges"])
    with matplotlib_style():
        fig = _figure(height=2.8)
        left, right = fig.subplots(1, 2)
        w = d["weekly"]
        left.plot(w.week, w.members, label="members", color="0.2")
        left.set(xlabel="week", ylabel="members (line)", title="members and posts")
        twin = left.twinx()
        twin.bar(w.week, w.posts, color="#0072B2", alpha=0.5, label="posts")
        twin.plot(w.week, w.posters, color="#D55E00", marker=".", label="distinct posters")
        twin.set_ylabel("per week")
        twin.legend(frameon=False, fontsize=7, loc="upper right")
        nx.draw_networkx(net["graph"], net["pos"], ax=right, node_size=12, with_labels=False, width=0.4,
                         node_color="#0072B2")
        right.set_title(f"network among its {len(d['nodes'])} most active members", fontsize=8)
        right.axis("off")
    return fig


# ----------------------------------------------------------------------- views


def StateView(model):
    """The regime, the simulated date, the latest shares and the shares over weeks, or the model's one-line error."""
    shares = _per_tick(model, lambda: (data.state_shares(model), data.null_state_shares(model)))
    fig = _per_tick(model, lambda: state_figure(*shares))
    if model.error is not None:
        solara.Error(model.error, classes=["groupsim-error"])
        return
    solara.Text(data.regime_text(model), classes=["groupsim-regime"])
    solara.Text(f"Simulated time: {data.simulated_date(model)}", classes=["groupsim-date"],
                style={"font-weight": "bold"})
    solara.Text(data.share_text(*shares), classes=["groupsim-shares"])
    _show(model, fig)


def PostsByCharter(model):
    """Members' weekly posts per group by charter, beside the null model's expectation."""
    posts = _per_tick(model, lambda: data.posts_by_charter(model))
    _plot(model, lambda: posts_figure(posts))
    if posts is not None:
        last = posts[posts.week == posts.week.max()]
        solara.Text(" · ".join(f"{r.charter}: {data.fmt(r.posts)} (null {data.fmt(r.null)})"
                               for r in last.itertuples()), classes=["groupsim-posts"])


def BadgeWall(model):
    """Groups: members against the share of them who ever posted, coloured by state."""
    wall = _per_tick(model, lambda: data.badge_wall(model))
    _plot(model, lambda: badge_figure(wall))
    if wall is not None:
        share = wall.posted.sum() / max(wall.members.sum(), 1)
        solara.Text(f"{share:.1%} of {int(wall.members.sum()):,} memberships ever posted")


def Activity(model):
    """Visits by hour of day and weekday."""
    _plot(model, lambda: activity_figure(model))


def GroupInspector(model):
    """Pick a group: its members, posters and posts over weeks, and its network."""
    group, set_group = solara.use_state(0)
    n = 0 if model.error is not None else model.state.groups.count
    group = min(group, max(n - 1, 0))
    d = _per_tick(model, lambda: data.group_detail(model, group), group)
    _plot(model, lambda: inspector_figure(d), group)
    if d is None:
        return
    solara.SliderInt("inspect group", value=group, min=0, max=n - 1, on_value=set_group, thumb_label="always")
    solara.Text(f"group {d['group_id']}: {d['charter']}, {d['state']}; {d['members']:,} members, "
                f"{d['posted']:,} ever posted; {d['edges_inside']:,} connections among its members",
                classes=["groupsim-inspector"])


COMPONENTS = [(StateView, 0), (PostsByCharter, 0), (BadgeWall, 1), (Activity, 1), (GroupInspector, 2)]
"""Views and their tab: a step redraws only the tab in sight."""


@solara.component
def Page():
    """This session's dashboard: its own model, built in the background, then SolaraViz around it."""
    solara.Style(CSS)
    controls = data.default_controls()
    build = solara.lab.use_task(lambda: data.DashboardModel(**controls), dependencies=[])
    if build.finished and build.value is not None:
        SolaraViz(build.value, components=COMPONENTS, model_params=model_params(), name="groupsim",
                  play_interval=300)
        return
    with solara.Column(style={"padding": "2em"}):
        solara.Text(f"Building this session's model: simulating the {controls['spinup_weeks']}-week spin-up before"
                    " week 0, as the command line does (a few seconds)...", classes=["groupsim-wait"])
        solara.ProgressLinear(True)
