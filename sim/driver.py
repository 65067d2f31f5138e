"""The driver both engines share: parameters, the clock, ``running``, ``run`` and the end guard.

:class:`Driver` is a :class:`mesa.Model`. An engine subclasses it and supplies two
things: :meth:`Driver.setup` (build the state and the agents from the parameters) and
:meth:`Driver.simulate_hour` (apply the rules of :mod:`sim.rules` for one hour). All
bookkeeping lives here, so the fast engine (:class:`sim.model.GroupCultureModel`) and the
per-agent reference (:class:`sim.reference.ReferenceModel`) cannot drift apart in it.

Following Mesa, one :meth:`step` is one hour and ``running`` turns False inside the step
that completes ``duration.weeks``, so ``model.run_model()`` and ``mesa.batch_run`` stop
at the end of the run; stepping once more raises :class:`ParamError`.

Spin-up: the first ``duration.spinup_weeks`` weeks are simulated during construction
(they are not Mesa steps and are not reported); ``tick`` counts every simulated hour,
``weeks_done`` only reported weeks. Interventions act from the start of reported week
``interventions.start_week`` (:attr:`Driver.interventions`, :meth:`Driver.start_interventions`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any, Optional

import mesa
import numpy as np

from sim.clock import HOURS_PER_WEEK
from sim.params import InterventionParams, ModelParams, ParamError

NO_INTERVENTIONS = InterventionParams()
"""What acts before ``interventions.start_week``: every intervention off."""


def resolve_params(params: Any, overrides: Mapping[str, Any]) -> ModelParams:
    """Validated :class:`ModelParams` from a ModelParams, a mapping or None plus overrides.

    Overrides are nested dicts (``population={"size": 500}``) or dotted keys
    (``**{"population.size": 500}``). Anything else raises :class:`ParamError`.
    """
    if isinstance(params, ModelParams):
        if not overrides:
            return params.validate()
        base = params.to_dict()
    elif params is None or isinstance(params, Mapping):
        base = dict(params or {})
    else:
        raise ParamError(f"params = {params!r}: allowed a ModelParams, a mapping of parameters or None")
    return ModelParams.from_dict(base, **overrides)


class Driver(mesa.Model):
    """Shared driver of the two engines (see the module docstring).

    Args:
        params: a :class:`ModelParams` or a mapping; or give keyword overrides instead / as
            well, as nested dicts (``population={"size": 500}``) or dotted strings
            (``**{"population.size": 500}``). Invalid values raise :class:`ParamError`
            before any simulation work.
    """

    def __init__(self, params: Optional[ModelParams | Mapping] = None, **overrides: Any):
        params = resolve_params(params, overrides)
        super().__init__(rng=params.seed)
        self.params = params
        self.tick = 0  # simulated hours so far, spin-up included; tick 0 is Monday 00:00
        self.spinup_ticks = params.duration.spinup_weeks * HOURS_PER_WEEK
        self.end_tick = self.spinup_ticks + params.duration.weeks * HOURS_PER_WEEK
        self.interventions_tick = self.spinup_ticks + params.interventions.start_week * HOURS_PER_WEEK
        self.setup()
        if params.dynamics_seed >= 0:  # same initial state, other dynamics (path dependence, S4)
            self.rng = np.random.default_rng(params.dynamics_seed)
            self.random = random.Random(params.dynamics_seed)
        while self.tick < self.spinup_ticks:
            self._advance()
        self.begin_report()
        self.running = True

    # ------------------------------------------------------------ engine hooks
    def setup(self) -> None:
        """Build the state and the agents from ``self.params`` (engine-specific)."""
        raise NotImplementedError

    def simulate_hour(self, tick: int) -> None:
        """Apply the rules for hour ``tick`` (engine-specific)."""
        raise NotImplementedError

    def observe(self) -> None:
        """Called after every reported step (Mesa step), e.g. to collect data."""

    def begin_report(self) -> None:
        """Called once when the spin-up is over, before the first reported step."""

    def start_interventions(self) -> None:
        """Called once, before the first hour of ``interventions.start_week``: the interventions start acting."""

    # ---------------------------------------------------------------- driving
    @property
    def interventions(self) -> InterventionParams:
        """The interventions acting now: none before ``interventions.start_week``, then ``params.interventions``."""
        return self.params.interventions if self.tick >= self.interventions_tick else NO_INTERVENTIONS

    def _advance(self) -> None:
        if self.tick == self.interventions_tick:
            self.start_interventions()
        self.simulate_hour(self.tick)
        self.tick += 1

    def step(self) -> None:
        """One reported hour; ``running`` turns False when ``duration.weeks`` is complete."""
        if self.tick >= self.end_tick:
            raise ParamError(f"the model has run its duration.weeks = {self.params.duration.weeks}")
        self._advance()
        self.running = self.tick < self.end_tick
        self.observe()

    @property
    def report_start_tick(self) -> int:
        """Simulated tick at which the reported weeks begin (the end of spin-up)."""
        return self.spinup_ticks

    @property
    def weeks_done(self) -> int:
        """Completed reported weeks (spin-up weeks are not counted)."""
        return (self.tick - self.spinup_ticks) // HOURS_PER_WEEK

    def run(self, weeks: Optional[int] = None, on_week: Optional[Callable[[int], None]] = None):
        """Run ``weeks`` more weeks of hours (default: to the end of ``duration.weeks``).

        Counts whole weeks of hours from wherever the model stands (after single
        ``step()`` calls too). ``on_week(week)`` is called after each completed reported
        week (e.g. a progress bar). Returns the model.
        """
        left = self.end_tick - self.tick
        ticks = left if weeks is None else weeks * HOURS_PER_WEEK
        if not 0 <= ticks <= left:
            raise ParamError(
                f"run(weeks={weeks}): allowed 0..{left // HOURS_PER_WEEK} (whole weeks left of duration.weeks)"
            )
        for _ in range(ticks):
            self.step()
            if on_week is not None and (self.tick - self.spinup_ticks) % HOURS_PER_WEEK == 0:
                on_week(self.weeks_done - 1)
        return self
