"""The results format on disk: the one module that writes, locks, verifies and reads run directories.

The run (``experiments/run.py``), the sweep callback (``experiments/callbacks.py``), ``resume``
and the plotting (``experiments/plotting/load.py``) all go through it.

A run (or job) directory holds ``.hydra/`` (written by Hydra), ``run.log``, one
``<table>.parquet`` per table of the model, ``run.json`` (configuration hash, seed, timings),
``summary.json`` and, written last, ``manifest.json``: every result file with its size and
sha256, the configuration hash, the seed and the package versions. **A directory is complete
only if its manifest verifies** (every listed file present with the listed size and checksum).
A failed job holds ``error.json`` instead. ``.lock`` is held (``flock``) by the process writing
the directory; the operating system drops it when that process ends, even by ``SIGKILL``.

Every file is written under a temporary name (``.<name>.<pid>.tmp``) and renamed; temporary
files left by a killed writer are removed by the next writer of the directory.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import signal
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional

import yaml
from hydra.core.override_parser.overrides_parser import OverridesParser

if TYPE_CHECKING:
    import pandas as pd

SUMMARY = "summary.json"
RUN_INFO = "run.json"
ERROR = "error.json"
MANIFEST = "manifest.json"
LOCK = ".lock"
SWEEP_INFO = "sweep.json"
"""At a sweep root: the identity of the sweep's configuration (see :func:`experiments.sweep.sweep_identity`)."""
MANIFEST_VERSION = 1
PACKAGES = ("groupsim", "mesa", "numpy", "pandas", "pyarrow", "hydra-core", "omegaconf")
NOT_IN_MANIFEST = {MANIFEST, LOCK, ERROR, "run.log"}
"""Files of a run directory that the manifest does not cover: itself, the lock, the log
(Hydra appends to it after the results are complete) and ``error.json`` (never beside a
manifest). Directories (``.hydra/``, ``figures/``) are not covered either: Hydra rewrites
``.hydra/`` on every launch, and figures are redrawn at will."""
KILL_HOOK = "GROUPSIM_TEST_KILL_AT_WRITE"
"""Test hook (fault injection): with ``N`` in the environment, the process tears its N-th
file write (the temporary file cut to half its length) and kills itself with SIGKILL."""


class ResultsError(Exception):
    """A results file or directory cannot be used; the message is one line naming the path."""


class Busy(ResultsError):
    """Another live process holds the directory's lock."""


# ------------------------------------------------------------------ writing


_writes = {"count": 0}  # counted only for the fault-injection hook


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary name in ``path``'s directory, then rename it.

    An ``OSError`` without a file name (``No space left on device`` from a writer library)
    is re-raised naming ``path``.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        _fault_hook(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        if exc.filename is None:
            raise OSError(exc.errno or errno.EIO, exc.strerror or str(exc), str(path)) from exc
        raise
    finally:
        if tmp.exists():
            tmp.unlink()


def _fault_hook(tmp: Path) -> None:
    at = os.environ.get(KILL_HOOK)
    if not at:
        return
    _writes["count"] += 1
    if _writes["count"] == int(at):
        with open(tmp, "r+b") as handle:
            handle.truncate(tmp.stat().st_size // 2)
        os.kill(os.getpid(), signal.SIGKILL)


def jsonable(value: Any) -> Any:
    """JSON for numpy scalars and arrays and paths (``json.dumps(default=...)``)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    """Write ``data`` as indented, key-sorted JSON, atomically."""
    text = json.dumps(data, indent=2, sort_keys=True, default=jsonable) + "\n"
    atomic_write(path, lambda tmp: tmp.write_text(text))


ROW_GROUP = 1_000_000  # rows converted to Arrow and written at a time


def write_parquet(path: Path, table: pd.DataFrame | Iterable[pd.DataFrame], row_group: int = ROW_GROUP) -> None:
    """Write a table as Parquet (no index), atomically, streamed in row groups.

    ``table`` is a DataFrame, or an iterable of DataFrames with the same columns (the row
    groups, e.g. :meth:`sim.tables.Table.chunks`). Each part is converted to Arrow and
    written on its own (``pyarrow.parquet.ParquetWriter``), so a table of tens of millions
    of rows never has a whole Arrow copy in memory (nor, from chunks, a whole pandas one);
    the file reads back as one table (``pd.read_parquet``).
    """
    # pandas and pyarrow load when a table is written, not when a command starts (start-up speed)
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    if isinstance(table, pd.DataFrame):
        frame = table
        table = (frame.iloc[start : start + row_group] for start in range(0, max(len(frame), 1), row_group))

    def write(tmp: Path) -> None:
        parts = iter(table)
        first = pa.Table.from_pandas(next(parts), preserve_index=False)
        # Arrow encodes and compresses a row group without the GIL: one thread writes it
        # while this one makes the next (the same file, in the same order)
        with pq.ParquetWriter(tmp, first.schema) as writer, ThreadPoolExecutor(1) as io:
            pending = io.submit(writer.write_table, first)
            for part in parts:
                arrow = pa.Table.from_pandas(part, schema=first.schema, preserve_index=False)
                pending.result()
                pending = io.submit(writer.write_table, arrow)
            pending.result()

    atomic_write(path, write)
    pa.default_memory_pool().release_unused()  # Arrow's allocator keeps freed pages: give them back between tables


def write_csv(path: Path, table: pd.DataFrame) -> None:
    """Write ``table`` as CSV (no index), atomically."""
    atomic_write(path, lambda tmp: table.to_csv(tmp, index=False))


# ------------------------------------------------------------------ reading


def read_tables(directory: Path, names: Iterable[str], columns: Dict[str, List[str]]) -> Dict[str, pd.DataFrame]:
    """Tables ``names`` of a run directory (``<name>.parquet``), with only ``columns[name]`` where given."""
    import pandas as pd  # when tables are read, not when a command starts (start-up speed)
    import pyarrow as pa

    # Arrow's columns freed as they are converted: one copy of a table, not two (pandas 3 passes this on)
    frugal = {"to_pandas_kwargs": {"self_destruct": True}} if int(pd.__version__.split(".")[0]) >= 3 else {}
    out = {}
    for name in names:
        out[name] = pd.read_parquet(directory / f"{name}.parquet", columns=columns.get(name), **frugal)
        pa.default_memory_pool().release_unused()
    return out


def read_json(path: Path) -> Optional[Dict[str, Any]]:
    """The JSON object in ``path``, or None if it is missing or unreadable."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_yaml(path: Path) -> Any:
    """The YAML document in ``path``; :class:`ResultsError` naming the path if unreadable."""
    try:
        return yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ResultsError(f"cannot read {path}: {exc.__class__.__name__}") from exc


def parse_overrides(lines: List[str]) -> Dict[str, Any]:
    """``{key: value}`` of Hydra override lines, values as Hydra parses them.

    ``+``/``++`` prefixes are dropped from the key (``+c=x`` gives ``{"c": "x"}``); deletions
    (``~key``) are skipped.
    """
    parsed = OverridesParser.create().parse_overrides([str(line) for line in lines or []])
    return {o.key_or_group: o.value() for o in parsed if not o.is_delete()}


def job_overrides(job_dir: Path) -> Dict[str, Any]:
    """The overrides of a job (``.hydra/overrides.yaml``), {} when there are none."""
    file = Path(job_dir) / ".hydra" / "overrides.yaml"
    return parse_overrides(read_yaml(file) or []) if file.is_file() else {}


# ------------------------------------------------------------------ the manifest


def sha256(path: Path) -> str:
    """The hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def result_files(job_dir: Path) -> List[Path]:
    """The files a manifest covers: the plain files directly in ``job_dir``, temporaries excluded."""
    return sorted(
        p for p in Path(job_dir).iterdir()
        if p.is_file() and p.name not in NOT_IN_MANIFEST and not p.name.endswith(".tmp")
    )


def versions() -> Dict[str, Optional[str]]:
    """Installed versions of the packages that shape the results (None when absent)."""
    out: Dict[str, Optional[str]] = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def write_manifest(job_dir: Path, config_hash: str, seed: Any) -> Dict[str, Any]:
    """Write ``manifest.json``, last: the directory's result files with size and sha256."""
    files = {p.name: {"size": p.stat().st_size, "sha256": sha256(p)} for p in result_files(job_dir)}
    manifest = {
        "format": MANIFEST_VERSION, "config_hash": config_hash, "seed": seed,
        "versions": versions(), "files": files,
    }
    write_json(Path(job_dir) / MANIFEST, manifest)
    return manifest


@dataclass
class Verdict:
    """Whether a directory holds complete, intact results, and why not."""

    ok: bool
    reason: str = ""
    manifest: Optional[Dict[str, Any]] = None

    def __bool__(self) -> bool:
        return self.ok


def verify(job_dir: Path, config_hash: Optional[str] = None) -> Verdict:
    """Check ``job_dir`` against its manifest (and, if given, the configuration hash)."""
    job_dir = Path(job_dir)
    manifest_file = job_dir / MANIFEST
    if not manifest_file.is_file():
        if (job_dir / ERROR).is_file():
            return Verdict(False, "failed (error.json)")
        return Verdict(False, "no manifest.json: killed, still running, or never run")
    manifest = read_json(manifest_file)
    files = (manifest or {}).get("files")
    if not isinstance(files, dict) or not files:
        return Verdict(False, "manifest.json is unreadable or lists no file")
    if config_hash is not None and manifest.get("config_hash") != config_hash:
        made = manifest.get("config_hash")
        return Verdict(False, f"made from another configuration (hash {made}, now {config_hash})")
    for name, entry in sorted(files.items()):
        problem = _file_problem(job_dir / name, entry)
        if problem:
            return Verdict(False, f"{name} {problem}")
    return Verdict(True, "", manifest)


def _file_problem(path: Path, entry: Any) -> str:
    if not isinstance(entry, dict):
        return "has no valid manifest entry"
    if not path.is_file():
        return "is missing"
    if path.stat().st_size != entry.get("size"):
        return f"has {path.stat().st_size} bytes, the manifest says {entry.get('size')}"
    if sha256(path) != entry.get("sha256"):
        return "does not match its sha256 in the manifest (corrupted or changed)"
    return ""


def clear_outcome(job_dir: Path) -> None:
    """Remove a previous outcome (manifest first), so that the directory never looks complete meanwhile."""
    for name in (MANIFEST, SUMMARY, ERROR, RUN_INFO):
        (Path(job_dir) / name).unlink(missing_ok=True)
    remove_stale_temporaries(job_dir)


def remove_stale_temporaries(directory: Path) -> List[Path]:
    """Remove ``.<name>.<pid>.tmp`` files (call it holding the directory's lock); return them."""
    stale = sorted(Path(directory).glob(".*.tmp"))
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


# ------------------------------------------------------------------ the lock


@contextmanager
def locked(directory: Path, what: str = "directory") -> Iterator[Path]:
    """Hold ``directory/.lock`` (``flock``, exclusive) for the block; :class:`Busy` if held.

    The lock file records the holder's pid for the message. A lock left by a killed process
    is no lock: the operating system releases ``flock`` locks when their holder ends.
    """
    handle = acquire(directory, what)
    try:
        yield Path(directory)
    finally:
        release(handle)


def acquire(directory: Path, what: str = "directory") -> Any:
    """Take the lock of ``directory`` (made if needed); return the handle for :func:`release`."""
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle = open(directory / LOCK, "a+")
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, exc.filename or str(directory)) from exc
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise Busy(
            f"{shown(directory)} is being written by another groupsim process (pid {holder}): "
            f"allowed one writer per {what}; wait for it, or choose another directory"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def release(handle: Any) -> None:
    """Release a lock taken with :func:`acquire`."""
    if handle is not None and not handle.closed:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


# ------------------------------------------------------------------ sweeps


def job_dirs(root: Path) -> List[Path]:
    """The job directories of a sweep root (named by Hydra's job number), in job order."""
    dirs = [p for p in Path(root).iterdir() if p.is_dir() and p.name.isdigit()] if Path(root).is_dir() else []
    return sorted(dirs, key=lambda p: int(p.name))


# ------------------------------------------------------------------ messages


def shown(path: Path) -> str:
    """``path`` relative to the current directory when it is below it (for messages)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
