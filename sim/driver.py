"""The driver both engines share: parameters, the clock, the spin-up, ``running``, ``run`` and the end guard.

:class:`Driver` is a :class:`mesa.Model`. An engine subclasses it and supplies
:meth:`Driver.setup` (build the state and the agents from the parameters) and either
:meth:`Driver.simulate_hours` (apply the rules of :mod:`sim.rules` to a span of hours
within one day) or :meth:`Driver.simulate_hour` (one hour; the default span loops it).
All bookkeeping lives here, so the fast engine (:class:`sim.model.GroupCultureModel`) and
the per-agent reference (:class:`sim.reference.ReferenceModel`) cannot drift apart in it.

Following Mesa, one :meth:`step` is one hour and ``running`` turns False inside the step
that completes ``duration.weeks``, so ``model.run_model()`` and ``mesa.batch_run`` stop
at the end of the run; stepping once more raises :class:`ParamError`. :meth:`run` gives
the same simulation in spans of up to a day (the fast engine's kernel runs a span per
call) and counts those hours as Mesa steps.

Spin-up: the first ``duration.spinup_weeks`` weeks are simulated when the model is first
stepped or run (or by :meth:`spin_up`, which can report progress), not in the
constructor; they are not Mesa steps and are not reported. ``tick`` counts every
simulated hour, ``weeks_done`` only reported weeks.
Interventions act from the start of reported week ``interventions.start_week``
(:attr:`Driver.interventions`, :meth:`Driver.start_interventions`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any, Optional

import mesa
import numpy as np

from sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK
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
        self.reporting = False  # set by spin_up: the reported weeks have begun
        self.running = True

    # ------------------------------------------------------------ engine hooks
    def setup(self) -> None:
        """Build the state and the agents from ``self.params`` (engine-specific)."""
        raise NotImplementedError

    def simulate_hours(self, start: int, end: int) -> None:
        """Apply the rules for hours ``start..end-1``, all within one day (engine-specific).

        By default one :meth:`simulate_hour` after the other, ``self.tick`` being the hour simulated.
        """
        for tick in range(start, end):
            self.tick = tick
            self.simulate_hour(tick)

    def simulate_hour(self, tick: int) -> None:
        """Apply the rules for hour ``tick`` (engine-specific, unless it overrides :meth:`simulate_hours`)."""
        raise NotImplementedError

    def observe(self, hours: int = 1) -> None:
        """Record the model as it is now for ``hours`` reported hours (Mesa steps), e.g. with a DataCollector.

        :meth:`step` calls it after each hour. :meth:`run` calls it for a span's first
        hours before simulating the span (the daily and weekly events, which change what an
        observer reads, come only after a span's last hour), then once after the span.
        """

    def begin_report(self) -> None:
        """Called once when the spin-up is over, before the first reported step."""

    def start_interventions(self) -> None:
        """Called once, before the first hour of ``interventions.start_week``: the interventions start acting."""

    # ---------------------------------------------------------------- driving
    @property
    def interventions(self) -> InterventionParams:
        """The interventions acting now: none before ``interventions.start_week``, then ``params.interventions``."""
        return self.params.interventions if self.tick >= self.interventions_tick else NO_INTERVENTIONS

    def _advance(self, hours: int) -> None:
        """Simulate ``hours`` hours from ``tick``, which stay within one day."""
        if self.tick == self.interventions_tick:  # a week's start: no span crosses it
            self.start_interventions()
        end = self.tick + hours
        self.simulate_hours(self.tick, end)
        self.tick = end

    def _span(self, limit: int) -> int:
        """Hours from ``tick`` to the end of its day, at most up to tick ``limit``."""
        return min(HOURS_PER_DAY - self.tick % HOURS_PER_DAY, limit - self.tick)

    def spin_up(self, on_week: Optional[Callable[[int], None]] = None):
        """Simulate the spin-up weeks if they are not done yet (first step or run does it anyway).

        ``on_week(week)`` is called after each spin-up week (e.g. a progress bar). Returns
        the model.
        """
        while self.tick < self.spinup_ticks:
            self._advance(self._span(self.spinup_ticks))
            if on_week is not None and self.tick % HOURS_PER_WEEK == 0:
                on_week(self.tick // HOURS_PER_WEEK - 1)
        if not self.reporting:
            self.reporting = True
            self.begin_report()
        return self

    def step(self) -> None:
        """One reported hour; ``running`` turns False when ``duration.weeks`` is complete."""
        if self.tick >= self.end_tick:
            raise ParamError(f"the model has run its duration.weeks = {self.params.duration.weeks}")
        self.spin_up()
        self._advance(1)
        self.running = self.tick < self.end_tick
        self.observe()

    @property
    def report_start_tick(self) -> int:
        """Simulated tick at which the reported weeks begin (the end of spin-up)."""
        return self.spinup_ticks

    @property
    def weeks_done(self) -> int:
        """Completed reported weeks (spin-up weeks are not counted)."""
        return max(0, self.tick - self.spinup_ticks) // HOURS_PER_WEEK

    def run(self, weeks: Optional[int] = None, on_week: Optional[Callable[[int], None]] = None,
            on_spinup_week: Optional[Callable[[int], None]] = None):
        """Run ``weeks`` more reported weeks of hours (default: to the end of ``duration.weeks``).

        Runs the spin-up first if it has not run yet (``on_spinup_week(week)`` after each
        of its weeks). Counts whole weeks of hours from wherever the model stands (after
        single ``step()`` calls too). ``on_week(week)`` is called after each completed
        reported week (e.g. a progress bar). The same simulation as as many :meth:`step`
        calls, run in spans of up to a day. Returns the model.
        """
        left = self.end_tick - max(self.tick, self.spinup_ticks)
        ticks = left if weeks is None else weeks * HOURS_PER_WEEK
        if not 0 <= ticks <= left:
            raise ParamError(
                f"run(weeks={weeks}): allowed 0..{left // HOURS_PER_WEEK} (whole weeks left of duration.weeks)"
            )
        self.spin_up(on_spinup_week)
        stop = self.tick + ticks
        while self.tick < stop:
            hours = self._span(stop)
            if hours > 1:
                self.observe(hours - 1)
            self._advance(hours)
            self.steps += hours  # Mesa's step counter (step() counts through Mesa's wrapper)
            self.running = self.tick < self.end_tick
            self.observe()
            if on_week is not None and (self.tick - self.spinup_ticks) % HOURS_PER_WEEK == 0:
                on_week(self.weeks_done - 1)
        return self
