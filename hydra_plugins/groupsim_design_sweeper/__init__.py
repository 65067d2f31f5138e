"""Hydra finds sweepers only in the ``hydra_plugins`` package: groupsim's design sweeper.

The logic lives in :mod:`experiments.analysis.sweeper`; Hydra registers a plugin under its
class's module, hence this subclass (``hydra/sweeper=design``).
"""

from experiments.analysis.sweeper import DesignSweeper as _DesignSweeper


class DesignSweeper(_DesignSweeper):
    """See :class:`experiments.analysis.sweeper.DesignSweeper`."""
