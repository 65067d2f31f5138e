"""The fast tier stays in-process: a test that starts a process without the slow marker fails."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys

import pytest

from tests.conftest import refuse_processes


def test_a_subprocess_outside_the_slow_tier_fails_the_test():
    with refuse_processes("tests/x.py::test_y"):
        with pytest.raises(pytest.fail.Exception, match=r"test_y starts a process: mark it @pytest.mark.slow"):
            subprocess.run([sys.executable, "-c", "pass"], check=True)


def test_a_multiprocessing_process_outside_the_slow_tier_fails_the_test():
    with refuse_processes("t"), pytest.raises(pytest.fail.Exception, match="starts a process"):
        multiprocessing.get_context("spawn").Process(target=print).start()


@pytest.mark.slow
def test_a_slow_test_may_start_a_process():
    assert subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True, text=True).stdout == "42\n"
