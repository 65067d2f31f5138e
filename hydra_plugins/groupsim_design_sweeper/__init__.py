"""groupsim's design sweeper (``hydra/sweeper=design``): Hydra finds sweepers only in ``hydra_plugins``.

Hydra imports this package whenever the command line starts, so it stays light: the design
(:mod:`experiments.analysis.sweeper`, with pandas and SALib) loads when a design sweep runs.
"""

from typing import Any, Dict, List, Optional, Sequence

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.types import Override


class DesignSweeper(BasicSweeper):
    """The basic sweeper, with the design points x replicate seeds as the sweep."""

    def __init__(self, method: str = "none", n: int = 1, seeds: Any = 1, fresh_seeds: bool = False,
                 design_seed: int = 0,
                 factors: Optional[Dict[str, Sequence[float]]] = None, select: Optional[List[str]] = None,
                 sets: Optional[str] = None, sample: Optional[int] = None, max_batch_size: Optional[int] = None,
                 params: Optional[Dict[str, str]] = None) -> None:
        super().__init__(max_batch_size=max_batch_size, params=params)
        # the design is read from the composed config (self.config), the one the callbacks see
        self._arguments: List[Override] = []
        self._wave = 1
        self._emulators: Dict[int, Any] = {}  # method waves: each wave's emulators, fitted once

    def split_arguments(self, overrides: List[Override], max_batch_size: Optional[int]) -> List[List[List[str]]]:
        """Cross the command line's sweeps with the design points and the seeds."""
        # pandas and SALib load only when a design sweep runs (start-up speed of every command)
        from experiments.analysis.sweeper import split_design

        assert self.config is not None
        self._arguments = overrides
        return split_design(self.config, overrides, max_batch_size)

    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        """Compose one job per distinct set of overridden keys, not every job of the batch.

        Hydra composes each job's config before launching a batch (about 0.1 s each, in the
        sweep's own process: minutes before a 2,560-job design starts). A design's jobs set
        the same keys to different numbers, so one job per key set catches what composing
        all would (a key that does not exist); a value out of range is refused by the job
        itself (sim.params.ParamError).
        """
        distinct: Dict[frozenset, Sequence[str]] = {}
        for job in batch:
            distinct.setdefault(frozenset(o.split("=", 1)[0] for o in job), job)
        super().validate_batch_is_legal(list(distinct.values()))

    def is_done(self) -> bool:
        """Done when every batch ran; method ``waves``: when the waves stop (each next wave made here)."""
        if not super().is_done():
            return False
        assert self.config is not None and self.overrides is not None
        if str(self.config.hydra.sweeper.method) != "waves":
            return True
        # pandas and scikit-learn load only when a calibration makes its next wave (start-up speed)
        from experiments.analysis.sweeper import next_wave

        jobs = next_wave(self.config, self._arguments, self._wave, self._emulators)
        if not jobs:
            return True
        self._wave += 1
        size = self.max_batch_size if self.max_batch_size and self.max_batch_size > 0 else len(jobs)
        self.overrides.extend(jobs[i:i + size] for i in range(0, len(jobs), size))
        return False
