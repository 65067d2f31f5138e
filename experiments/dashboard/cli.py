"""``groupsim-dashboard``: serve the dashboard on this machine, with no internet needed."""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import os
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path

INSTALL = 'pip install -e ".[dashboard]"'
# What renders offline: solara's front-end served from solara-assets of the
# same version; Mesa 3.3's SolaraViz needs ipyvuetify < 2.
NEEDED = ("solara", "solara-assets", "ipyvuetify", "altair")


def missing_dependency() -> str | None:
    """One line naming what is missing or mismatched for the dashboard, or None."""
    versions = {}
    for name in NEEDED:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return f"the dashboard needs {name}, which is not installed: run {INSTALL}"
    if versions["solara-assets"] != versions["solara"]:
        return (f"solara-assets {versions['solara-assets']} does not match solara {versions['solara']} "
                f"(the page would stay blank offline): run {INSTALL}")
    if int(versions["ipyvuetify"].split(".")[0]) >= 2:
        return f"ipyvuetify {versions['ipyvuetify']} lacks what Mesa 3.3's SolaraViz uses (needs < 2): run {INSTALL}"
    return None


CHROMIUM = os.environ.get("GROUPSIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 1800}
"""The headless Chromium (Debian's; Playwright cannot download one here) and the window that the browser
test and ``python -m benchmarks dashboard --browser`` open the dashboard in."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(log: Path, port: int | None = None, timeout: float = 120) -> Iterator[tuple[str, subprocess.Popen]]:
    """``groupsim-dashboard`` in a child process on 127.0.0.1, its output in ``log``: (its URL, the process).

    Yields once the page answers; stops the server on exit. RuntimeError (with the log) if it
    does not start within ``timeout`` seconds.
    """
    port = port or free_port()
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "experiments.dashboard.cli", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the dashboard did not start:\n{Path(log).read_text()}") from None
                time.sleep(0.5)
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    """Parse --host/--port and run the Solara server on experiments/dashboard/app.py."""
    parser = argparse.ArgumentParser(prog="groupsim-dashboard", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (default: 8765)")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        print(f"groupsim-dashboard: --port {args.port}: allowed 0..65535", file=sys.stderr)
        return 2
    problem = missing_dependency()
    if problem:
        print(f"groupsim-dashboard: {problem}", file=sys.stderr)
        return 1
    # No telemetry and no version check: both call out to the internet.
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    # Quiet start-up: solara's hook checker warns about Mesa's own components, not ours.
    os.environ.setdefault("SOLARA_CHECK_HOOKS", "off")
    # Served on 127.0.0.1 over http, solara warns on every visit that cookies cannot be samesite=none
    # (it matters only when the page is embedded in another site's iframe).
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)
    from solara.__main__ import cli as solara_cli  # here: a missing solara is reported above, not as a traceback

    app = os.path.join(os.path.dirname(__file__), "app.py")
    print(f"groupsim dashboard: http://{args.host}:{args.port} (Ctrl-C to stop)", flush=True)
    solara_cli(["run", app, "--host", args.host, "--port", str(args.port), "--no-open", "--no-check-version",
                 "--production"], standalone_mode=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
