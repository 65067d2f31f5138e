"""Shared helpers for the tests: small runs of the model, the command line in and out of process, the slow tier.

Tiers: ``python -m pytest -m "not slow"`` is the fast tier for the edit-test loop; the
whole suite (``.ci/run``) adds the tests marked ``slow``: those that start a process (the
command line, a launcher, a browser) or run a long simulation. A test that starts a
process without the marker fails (:func:`refuse_processes`), so the fast tier stays
in-process.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import multiprocessing.process
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import DictConfig, OmegaConf

from experiments import run as cli_run
from experiments.schema import CONFIG_DIR, register_schema
from sim import GroupCultureModel

REPO = Path(__file__).resolve().parent.parent

# No spin-up: the tests check mechanisms over a few weeks (the default, 104 weeks, is for answers)
SMALL = {"population.size": 1500, "groups.count": 16, "duration.weeks": 8, "seed": 3, "duration.spinup_weeks": 0}

# The command line's tiny run: 300 professionals, 6 groups, 4 weeks, no figures
TINY = ["population.size=300", "groups.count=6", "duration.weeks=4", "duration.spinup_weeks=0", "plots=false"]
TABLES = ["professionals", "groups", "group_weeks", "memberships", "hourly_activity", "network"]


def run_model(**overrides) -> GroupCultureModel:
    """Run a small model to its end; ``overrides`` use dotted keys (``population__size``
    or ``**{"population.size": ...}``)."""
    model = GroupCultureModel(**{**SMALL, **overrides})
    return model.run()


@pytest.fixture(scope="session")
def small_run() -> GroupCultureModel:
    """One run of :data:`SMALL`, shared by every test that only reads it."""
    return run_model()


# ------------------------------------------------------------------ Hydra configs


class Composer:
    """Hydra's composition of configs/, each distinct list of overrides composed once.

    ``composer(*overrides, hydra=False)`` is ``compose("config", overrides, return_hydra_config=hydra)``;
    the result is read-only, shared by the tests of a module (see the ``cfg`` fixture).
    ``composer.changed(*overrides, change="key=value")`` adds one override of a value to
    the config of ``overrides`` as Hydra applies it after composing (``OmegaConf.update``
    of the parsed value, checked against the schema), without composing again.
    """

    def __init__(self):
        register_schema()
        self.done: dict[tuple, DictConfig] = {}
        self.parser = OverridesParser.create()

    def __call__(self, *overrides: str, hydra: bool = False) -> DictConfig:
        key = (overrides, hydra)
        if key not in self.done:
            with initialize_config_dir(version_base="1.3", config_dir=str(CONFIG_DIR)):
                config = compose("config", overrides=list(overrides), return_hydra_config=hydra)
            OmegaConf.set_readonly(config, True)
            self.done[key] = config
        return self.done[key]

    def changed(self, *overrides: str, change: str, hydra: bool = False) -> DictConfig:
        """The config of ``overrides`` plus ``change``, composed once for ``overrides`` only.

        A change of a value (``key=value``) is applied to a copy as Hydra applies it; a
        config group choice (``a/b=x``, ``group=x``) or an addition or deletion is composed.
        """
        parsed = self.parser.parse_overrides([change])[0]
        key = parsed.key_or_group
        other = parsed.is_add() or parsed.is_force_add() or parsed.is_delete() or parsed.is_sweep_override()
        if "/" in key or "@" in key or (CONFIG_DIR / key).is_dir() or other:
            return self(*overrides, change, hydra=hydra)
        out = copy.deepcopy(self(*overrides, hydra=hydra))
        OmegaConf.set_readonly(out, False)
        OmegaConf.update(out, key, parsed.value(), merge=True)
        return out


@pytest.fixture(scope="module")
def cfg() -> Composer:
    """A :class:`Composer` per test module: compose the configs a module needs once each."""
    return Composer()


# ------------------------------------------------------------------ the command line


def _sigint_default() -> None:
    """In a child before it starts: SIGINT's default disposition (see :func:`groupsim`)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def groupsim(*args: str, cwd: Path, module: str = "experiments.run", command: list[str] | None = None,
             env: dict | None = None, start: bool = False):
    """Run ``python -m MODULE ARGS`` (or ``command ARGS``) in a subprocess in ``cwd``, with ``env`` added.

    With ``start=True`` return the running ``Popen`` (text pipes) instead of waiting; its
    SIGINT is set back to the default first, as in a terminal's foreground: a test run as a
    background job of a non-interactive shell (CI launched with ``&``) has SIGINT ignored,
    the child would inherit that, and Python then never raises ``KeyboardInterrupt``.
    """
    environ = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    environ["PYTHONPATH"] = os.pathsep.join([str(REPO), environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    environ.update(env or {})
    argv = [*(command or [sys.executable, "-m", module]), *args]
    if start:
        return subprocess.Popen(argv, cwd=cwd, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=_sigint_default)
    return subprocess.run(argv, cwd=cwd, env=environ, capture_output=True, text=True, timeout=900)


def in_process(main, *args: str, cwd: Path, prog: str = "groupsim") -> subprocess.CompletedProcess:
    """Call a command's ``main()`` in this process as ``prog ARGS`` run in ``cwd``: its exit status and output.

    What a subprocess would see of it: ``sys.argv``, the working directory, stdout and
    stderr (captured), the exit status (what ``main`` returns or raises with ``SystemExit``). Hydra's global
    state is cleared afterwards, so the next call composes afresh.
    """
    out, err, status = io.StringIO(), io.StringIO(), 0
    environ = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    with (mock.patch.object(sys, "argv", [prog, *map(str, args)]), mock.patch.dict(os.environ, environ, clear=True),
          contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err)):
        try:
            status = main() or 0
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            GlobalHydra.instance().clear()
    return subprocess.CompletedProcess([prog, *args], status, out.getvalue(), err.getvalue())


def groupsim_in_process(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``groupsim ARGS`` in this process (:func:`in_process` of ``experiments.run.main``)."""
    return in_process(cli_run.main, *args, cwd=cwd)


def ok(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    """``proc``, after checking it ended with status 0 and no traceback."""
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    return proc


def summary(job_dir: Path) -> dict:
    """The summary.json of a run or job directory."""
    return json.loads((job_dir / "summary.json").read_text())


# ------------------------------------------------------------------ the slow tier


@contextlib.contextmanager
def refuse_processes(test: str) -> Iterator[None]:
    """Inside, starting a subprocess or a multiprocessing process fails ``test``: it should be marked slow."""

    def refuse(*args, **kwargs):
        pytest.fail(f"{test} starts a process: mark it @pytest.mark.slow (or call the function in-process)",
                    pytrace=False)

    with (mock.patch.object(subprocess.Popen, "__init__", refuse),
          mock.patch.object(multiprocessing.process.BaseProcess, "start", refuse)):
        yield


def _guarded(item: pytest.Item):
    return contextlib.nullcontext() if item.get_closest_marker("slow") else refuse_processes(item.nodeid)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    """Fixtures of a test not marked slow may not start a process either."""
    with _guarded(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """A test not marked slow may not start a process."""
    with _guarded(item):
        return (yield)
