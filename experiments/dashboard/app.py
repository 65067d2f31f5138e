"""groupsim dashboard: watch a group's culture form (a Mesa SolaraViz app).

Start it with ``groupsim-dashboard`` (or ``solara run experiments/dashboard/app.py``).
Every number it shows comes from :mod:`experiments.dashboard.data`; this module only
lays out controls and draws. Mesa 3.3's ``mesa.visualization`` API only.

Each browser session gets its own model and controls: :func:`Page` builds the model in a
background task when the session opens (showing the spin-up's wait) and hands it to
SolaraViz, which keeps it in that session's state. Views are spread over tabs so that a
step redraws only the tab in sight. Each figure is a :class:`LiveFigure`: made once per
session and model, with week axes spanning the whole run and round upper limits, so that
a tick redraws only its data over a cached image of the axes (``python -m benchmarks
dashboard --browser`` times a Step in Chromium).
"""

from __future__ import annotations

import io

import matplotlib
import matplotlib.image
import networkx as nx
import numpy as np
import solara
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from mesa.visualization import SolaraViz

from experiments.dashboard import data
from experiments.plotting.draw import LINE_STYLES, SEQUENTIAL, STYLE
from sim.params import ModelParams

STATE_COLOURS = {"thriving": "#009E73", "active": "#E69F00", "dormant": "#56B4E9", "not founded or closed": "#BBBBBB"}
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
    fig = Figure(figsize=(width, height), dpi=DPI)
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.16, top=0.9, wspace=0.35)
    return fig


class LiveFigure:
    """A figure drawn once per session and model, then redrawn only where its data changed.

    The artists made with ``animated=True`` (lines, points, the heatmap) are redrawn each
    simulated tick over a cached image of the rest (axes, ticks, labels, legends):
    matplotlib's blitting (``copy_from_bbox``/``restore_region``/``draw_artist``) on the
    Agg canvas. Legends are then copied back from that image over the data, so that no line
    crosses them. The rest is drawn again only when an axis's limits, ticks or title
    change. ``artists`` holds what the update functions set data on.
    """

    def __init__(self, fig: Figure, **artists):
        self.fig, self.artists = fig, artists
        FigureCanvasAgg(fig)
        self._frame, self._background = None, None

    def _frame_key(self) -> list:
        return [(ax.get_xlim(), ax.get_ylim(), tuple(ax.get_xticks()), tuple(ax.get_yticks()), ax.get_title())
                for ax in self.fig.axes]

    def png(self) -> bytes:
        """The figure as PNG bytes: the cached background (redrawn if the frame changed) and the animated artists."""
        canvas = self.fig.canvas
        with matplotlib_style():
            frame = self._frame_key()
            if frame != self._frame:
                canvas.draw()  # everything but the animated artists
                self._frame, self._background = frame, canvas.copy_from_bbox(self.fig.bbox)
            else:
                canvas.restore_region(self._background)
            for ax in self.fig.axes:
                for artist in ax.get_children():
                    if artist.get_animated():
                        ax.draw_artist(artist)
                if ax.get_legend() is not None:
                    canvas.restore_region(self._background, bbox=ax.get_legend().get_window_extent().padded(1))
            out = io.BytesIO()
            matplotlib.image.imsave(out, np.asarray(canvas.buffer_rgba()), format="png",
                                    pil_kwargs={"compress_level": 1})
        return out.getvalue()


def _key(model, *deps) -> list:
    """What a view depends on: the model, its simulated tick (none for a model in error) and ``deps``."""
    return [id(model), model.error, None if model.error is not None else model.tick, *deps]


def _per_tick(model, compute, *deps):
    """``compute()`` once per model, simulated tick and ``deps`` in this session (None for a model in error)."""
    return solara.use_memo(lambda: None if model.error is not None else compute(), dependencies=_key(model, *deps))


def _live(model, make, update, *deps) -> bytes | None:
    """A :class:`LiveFigure`'s PNG: ``make(model)`` once per model; ``update(live)``, PNG once per tick and ``deps``."""
    live = solara.use_memo(lambda: None if model.error is not None else make(model),
                           dependencies=[id(model), model.error])
    return _per_tick(model, lambda: (update(live), live.png())[1], *deps)


def _image(png: bytes | None) -> None:
    """Show a PNG of :func:`_live` (nothing for a model in error)."""
    if png is not None:
        solara.Image(png, format="png")


def _week_axis(ax, model) -> None:
    """The reported weeks of the whole run on the x axis, so that a step only adds a point."""
    ax.set(xlabel="week", xlim=(-0.5, max(model.params.duration.weeks - 0.5, 0.5)))


def _nice_top(values, floor: float = 1.0) -> float:
    """An upper axis limit at a round number above ``values`` (matplotlib's tick locator), changing seldom."""
    top = float(np.nanmax(values, initial=0.0)) if len(values) else 0.0
    return float(MaxNLocator(nbins=5).tick_values(0, max(top, floor))[-1])


def _layout(nodes, edges) -> dict:
    graph = nx.Graph()
    graph.add_nodes_from(nodes.tolist())
    graph.add_edges_from(edges.tolist())
    return {"graph": graph, "pos": nx.spring_layout(graph, seed=0) if len(graph) else {}}


def matplotlib_style():
    """The figures' print-friendly style (shared with experiments/plotting)."""
    return matplotlib.rc_context(STYLE | {"font.size": 8, "axes.titlesize": 9, "axes.labelsize": 8})


# ----------------------------------------------------------------------- figures


def _legend(ax, **kwargs) -> None:
    """A legend on a white box, shown over the data (:class:`LiveFigure`)."""
    ax.legend(frameon=True, facecolor="white", edgecolor="none", framealpha=1, **kwargs)


def state_figure(model) -> LiveFigure:
    """Share of groups thriving / active / dormant over weeks, and thriving under the null model."""
    with matplotlib_style():
        fig = _figure()
        ax = fig.subplots()
        lines = {name: ax.plot([], [], label=name, color=STATE_COLOURS[name], marker=".", animated=True)[0]
                 for name in data.STATES}
        lines["null"] = ax.plot([], [], color=STATE_COLOURS["thriving"], linestyle=":", animated=True,
                                label="thriving under the null model")[0]
        _week_axis(ax, model)
        ax.set(ylabel="share of groups", ylim=(0, 1), title="Groups thriving, active, dormant")
        _legend(ax, loc="upper left")
    return LiveFigure(fig, **lines)


def update_states(live: LiveFigure, shares, null_shares) -> None:
    """The weeks so far: :func:`data.state_shares` and :func:`data.null_state_shares`."""
    for name in data.STATES:
        live.artists[name].set_data(shares.week, shares[name])
    live.artists["null"].set_data(null_shares.week, null_shares["thriving"])


def posts_figure(model) -> LiveFigure:
    """Members' weekly posts per group by charter, beside the null model's expectation."""
    charters = data.charter_order(model.params.charters)
    with matplotlib_style():
        fig = _figure()
        ax = fig.subplots()
        lines = {}
        for charter, style in zip(charters, LINE_STYLES, strict=False):
            lines[charter] = ax.plot([], [], label=charter, color=style["color"], marker=style["marker"],
                                     animated=True)[0]
            lines[f"null {charter}"] = ax.plot([], [], color=style["color"], linestyle=":", linewidth=1.2,
                                               animated=True)[0]
        ax.plot([], [], color="0.3", linestyle=":", label="null: one per-capita rate")
        _week_axis(ax, model)
        ax.set(ylabel="posts per group per week", ylim=(0, 1), title="Posts by charter vs the null model")
        _legend(ax, fontsize=7, loc="upper left")
    return LiveFigure(fig, **lines)


def update_posts(live: LiveFigure, posts) -> None:
    """The weeks so far (:func:`data.posts_by_charter`), under a round upper limit that changes seldom."""
    for charter, rows in posts.groupby("charter", sort=False):
        live.artists[charter].set_data(rows.week, rows.posts)
        live.artists[f"null {charter}"].set_data(rows.week, rows.null)
    # headroom above the lines for the legend
    live.fig.axes[0].set_ylim(0, _nice_top(1.6 * posts[["posts", "null"]].to_numpy().ravel()))


def badge_figure(model) -> LiveFigure:
    """Groups: members against the share of them who ever posted, coloured by state."""
    with matplotlib_style():
        fig = _figure()
        ax = fig.subplots()
        points = {state: ax.scatter([], [], s=18, label=state, color=colour, animated=True)
                  for state, colour in STATE_COLOURS.items()}
        ax.set(xlabel="members now (log scale)", ylabel="share who ever posted", title="Badge wall")
        _legend(ax, fontsize=7, loc="upper right")
    return LiveFigure(fig, **points)


def update_badges(live: LiveFigure, wall) -> None:
    """Every group now (:func:`data.badge_wall`), on decade ticks of members and a round upper share."""
    share = wall.posted / wall.members.clip(lower=1)
    for state, points in live.artists.items():
        rows = wall.state == state
        points.set_offsets(np.c_[np.log10(wall.members[rows].clip(lower=1)), share[rows]])
    # log10 by hand with fixed ticks: matplotlib's log locators take most of the drawing time
    ticks = list(range(0, int(np.log10(max(int(wall.members.max()), 1))) + 2))
    live.fig.axes[0].set(xticks=ticks, xticklabels=[f"{10**t:,}" for t in ticks], xlim=(-0.1, ticks[-1] + 0.1),
                         ylim=(0, min(_nice_top(share, floor=0.01), 1.0)))


def activity_figure(model) -> LiveFigure:
    """Visits by hour of day and weekday."""
    with matplotlib_style():
        fig = _figure(height=2.6)
        ax = fig.subplots()
        im = ax.imshow(np.full((7, 24), np.nan), aspect="auto", cmap=SEQUENTIAL, vmin=0, vmax=1, animated=True)
        ax.set(yticks=range(7), yticklabels=data.WEEKDAYS, ylabel="day of week", xticks=range(0, 24, 3),
               xlabel="hour of day", title="Visits per hour per 1,000 professionals")
        fig.colorbar(im, ax=ax, label="visits per hour")
    return LiveFigure(fig, grid=im)


def update_activity(live: LiveFigure, model) -> None:
    """The hours so far (:func:`data.activity_by_hour`), on a colour scale with a round upper limit."""
    grid = data.activity_by_hour(model)["mean"].to_numpy().reshape(7, 24)
    live.artists["grid"].set_data(grid)
    live.artists["grid"].set_clim(0, _nice_top(grid[np.isfinite(grid)]))


def inspector_figure(model) -> LiveFigure:
    """One group's members, posters and posts over weeks, and the network among its most active members."""
    with matplotlib_style():
        fig = _figure(height=2.8)
        left, right = fig.subplots(1, 2)
        members = left.plot([], [], label="members", color="0.2", animated=True)[0]
        _week_axis(left, model)
        left.set(ylabel="members (line)", title="members and posts")
        twin = left.twinx()
        posts = twin.stairs([0.0], [0.0, 1.0], fill=True, color="#0072B2", alpha=0.5, label="posts", animated=True)
        posters = twin.plot([], [], color="#D55E00", marker=".", label="distinct posters", animated=True)[0]
        twin.set_ylabel("per week")
        _legend(twin, fontsize=7, loc="upper right")
        edges = right.add_collection(LineCollection([], linewidths=0.4, colors="k", animated=True))
        nodes = right.scatter([], [], s=12, color="#0072B2", zorder=2, animated=True)
        right.set(xlim=(-1.1, 1.1), ylim=(-1.1, 1.1))  # spring_layout's square
        right.axis("off")
    return LiveFigure(fig, members=members, posts=posts, posters=posters, nodes=nodes, edges=edges)


def update_inspector(live: LiveFigure, d: dict) -> None:
    """One group's weeks so far and its network (:func:`data.group_detail`), laid out again only when it changed."""
    w, a = d["weekly"], live.artists
    a["members"].set_data(w.week, w.members)
    a["posts"].set_data(w.posts.to_numpy(float), np.arange(len(w) + 1) - 0.5)  # the weeks shown are 0, 1, ...
    a["posters"].set_data(w.week, w.posters)
    left, right, twin = live.fig.axes
    left.set_ylim(0, _nice_top(w.members))
    twin.set_ylim(0, _nice_top(1.4 * w[["posts", "posters"]].to_numpy().ravel()))  # headroom for the legend
    network = (d["nodes"].tobytes(), d["edges"].tobytes())
    if getattr(live, "network", None) != network:
        pos = _layout(d["nodes"], d["edges"])["pos"]
        a["nodes"].set_offsets(np.array([pos[n] for n in d["nodes"].tolist()]).reshape(-1, 2))
        a["edges"].set_segments([(pos[u], pos[v]) for u, v in d["edges"].tolist()])
        live.network = network
    right.set_title(f"network: its {len(d['nodes'])} most active members", fontsize=8)


# ----------------------------------------------------------------------- views


def StateView(model):
    """The regime, the simulated date, the latest shares and the shares over weeks, or the model's one-line error."""
    shares = _per_tick(model, lambda: (data.state_shares(model), data.null_state_shares(model)))
    png = _live(model, state_figure, lambda live: update_states(live, *shares))
    if model.error is not None:
        solara.Error(model.error, classes=["groupsim-error"])
        return
    solara.Text(data.regime_text(model), classes=["groupsim-regime"])
    solara.Text(f"Simulated time: {data.simulated_date(model)}", classes=["groupsim-date"],
                style={"font-weight": "bold"})
    solara.Text(data.share_text(*shares), classes=["groupsim-shares"])
    _image(png)


def PostsByCharter(model):
    """Members' weekly posts per group by charter, beside the null model's expectation."""
    posts = _per_tick(model, lambda: data.posts_by_charter(model))
    _image(_live(model, posts_figure, lambda live: update_posts(live, posts)))
    if posts is not None:
        last = posts[posts.week == posts.week.max()]
        solara.Text(" · ".join(f"{r.charter}: {data.fmt(r.posts)} (null {data.fmt(r.null)})"
                               for r in last.itertuples()), classes=["groupsim-posts"])


def BadgeWall(model):
    """Groups: members against the share of them who ever posted, coloured by state."""
    wall = _per_tick(model, lambda: data.badge_wall(model))
    _image(_live(model, badge_figure, lambda live: update_badges(live, wall)))
    if wall is not None:
        share = wall.posted.sum() / max(wall.members.sum(), 1)
        solara.Text(f"{share:.1%} of {int(wall.members.sum()):,} memberships ever posted")


def Activity(model):
    """Visits by hour of day and weekday."""
    _image(_live(model, activity_figure, lambda live: update_activity(live, model)))


def GroupInspector(model):
    """Pick a group: its members, posters and posts over weeks, and its network."""
    group, set_group = solara.use_state(0)
    n = 0 if model.error is not None else model.state.groups.count
    group = min(group, max(n - 1, 0))
    d = _per_tick(model, lambda: data.group_detail(model, group), group)
    png = _live(model, inspector_figure, lambda live: update_inspector(live, d), group)
    if d is None:
        return
    solara.SliderInt("inspect group", value=group, min=0, max=n - 1, on_value=set_group, thumb_label="always")
    solara.Text(f"group {d['group_id']}: {d['charter']}, {d['state']}; {d['members']:,} members, "
                f"{d['posted']:,} ever posted; {d['edges_inside']:,} connections among its members",
                classes=["groupsim-inspector"])
    _image(png)


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
