"""The dashboard's figures: redrawn only where the data changed, yet the picture a full redraw gives."""

import io

import matplotlib.image
import numpy as np
import pytest

pytest.importorskip("solara", reason="the dashboard extra is not installed (pip install -e '.[dashboard]')")

from experiments.dashboard import app, data  # noqa: E402

SMALL = {"population_size": 1500, "groups_count": 12, "weeks": 8, "spinup_weeks": 0, "seed": "3"}
FIGURES = {
    "state": (app.state_figure, lambda live, m: app.update_states(live, data.state_shares(m),
                                                                   data.null_state_shares(m))),
    "posts": (app.posts_figure, lambda live, m: app.update_posts(live, data.posts_by_charter(m))),
    "badge": (app.badge_figure, lambda live, m: app.update_badges(live, data.badge_wall(m))),
    "activity": (app.activity_figure, app.update_activity),
    "inspector": (app.inspector_figure, lambda live, m: app.update_inspector(live, data.group_detail(m, 0))),
}


def _pixels(png: bytes) -> np.ndarray:
    return matplotlib.image.imread(io.BytesIO(png), format="png")


@pytest.mark.parametrize("name", FIGURES)
def test_a_figure_redrawn_week_by_week_shows_what_a_fresh_figure_shows(name):
    make, update = FIGURES[name]
    model = data.DashboardModel(**(data.default_controls() | SMALL))
    live = make(model)
    update(live, model)  # the page as it opens: no completed week yet
    shown = [live.png()]
    for _ in range(4):
        model.step()
        update(live, model)
        shown.append(live.png())
    fresh = make(model)
    update(fresh, model)
    assert np.array_equal(_pixels(shown[-1]), _pixels(fresh.png()))
    assert not np.array_equal(_pixels(shown[0]), _pixels(shown[-1]))  # the weeks did change the picture
    for ax in live.fig.axes:  # labelled axes (the network has none), the first with its x axis too
        assert not ax.axison or (ax.get_ylabel() and (ax.get_xlabel() or ax is not live.fig.axes[0]))
