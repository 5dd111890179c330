"""Batch extraction: many reports in, one JSON each plus tables out.

``govreport extract`` is a thin layer over this module::

    units = find_units(["archive/", "more/*.pdf"])
    summary = run_batch(units, BatchOptions(out_dir=Path("out"), jobs=2), settings)

What is here is shared by every engine; only the scheduling of reports onto
workers differs (:mod:`govreport.engines`: ``local`` processes, or a ``ray``
cluster). Which files and folders are reports, and how their outputs are
named: :mod:`govreport.inputs`. What a worker does with one report:
:mod:`govreport.worker`.

Outputs
-------
``<out>/<stem>.json`` per report (a folder report is named after the folder).
When two reports share a stem (case-insensitively, or with ``summary``,
``dataset``, ``review``), each of them is named ``<parent>__<stem>``; if that
still clashes, ``<stem>-<8 hex of sha1(absolute path)>``. The names therefore
depend only on the set of inputs, so the same command names the same files.

An output whose ``source.sha256`` equals the input's hash and which has no
``error`` is kept and the report skipped, so rerunning after a crash or a
kill resumes where it stopped; failed reports are retried; ``force`` redoes
everything. After the batch, ``summary.json``, ``dataset.csv`` and
``review.csv`` are written (the tables by :mod:`govreport.tables`). Every file is
written atomically (temp file in the same folder, fsync, ``os.replace``).
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .atomic import write_atomic
from .engines import ENGINES, Workers, available_cores, get_engine, threads_per_job
from .inputs import IMAGE_SUFFIXES, PDF_SUFFIXES, InputsError, Unit, find_units, name_units
from .pipeline import file_sha256
from .results import BatchError, BatchSummary, UnitResult
from .settings import Settings
from .tables import ReportRef, write_tables
from .worker import DIE_ON_ENV

__all__ = [
    "PDF_SUFFIXES",
    "IMAGE_SUFFIXES",
    "ENGINES",
    "DIE_ON_ENV",
    "BatchOptions",
    "BatchError",
    "InputsError",
    "Unit",
    "UnitResult",
    "BatchSummary",
    "find_units",
    "name_units",
    "write_atomic",
    "available_cores",
    "threads_per_job",
    "run_batch",
]


DEFAULT_TIMEOUT_S = 1800.0
"""Default limit per report (seconds); 0 or None means no limit."""


@dataclass(frozen=True)
class BatchOptions:
    """Every tunable of a batch run.

    out_dir : where the JSON files and the tables go (created if missing).
    jobs : workers (None = one per core of this machine, or of the Ray
        cluster); never more than reports. Each gets ``cores // jobs``
        onnxruntime threads (Ray: the CPUs it asks Ray for).
    force : redo reports whose output is already there.
    quiet : no progress bar (it is also off when stderr is not a terminal).
    timeout : seconds one report may take before its worker is stopped and
        the report failed (None or 0 = no limit). Local engine only: Ray has
        no per-task deadline, a lost actor is what it retries.
    debug_dir : handed to the pipeline, which draws its stages there.
    start_method : multiprocessing start method of the local workers
        (``spawn`` or ``forkserver``; never ``fork``, which would copy the
        parent's threads and state into each worker).
    engine : ``local`` (processes on this machine) or ``ray``.
    ray_address : the Ray cluster to join (``auto``, ``ray://host:10001``);
        None starts a local Ray instance for the batch (unless this process
        is already connected to one).
    """

    out_dir: Path
    jobs: int | None = None
    force: bool = False
    quiet: bool = False
    timeout: float | None = DEFAULT_TIMEOUT_S
    debug_dir: Path | None = None
    start_method: str = "spawn"
    engine: str = "local"
    ray_address: str | None = None


def check_out_dir(out_dir: Path) -> None:
    """Create ``out_dir`` if needed and make sure files can be written in it.

    Raises
    ------
    InputsError : it cannot be created or written to.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_dir):
            pass
    except OSError as exc:
        raise InputsError(f"cannot write to the output folder {out_dir}: {exc.strerror or exc}") from None


def _done_output_sha(output: Path) -> str | None:
    """``source.sha256`` of an existing output without ``error``, else None."""
    try:
        data = json.loads(output.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("error") is not None:
        return None
    source = data.get("source")
    return source.get("sha256") if isinstance(source, dict) else None


def is_done(unit: Unit, out_dir: Path) -> bool:
    """True when ``unit``'s output exists, has no error, and matches its source hash."""
    done_sha = _done_output_sha(out_dir / unit.output_file)
    if not done_sha:
        return False
    try:
        return file_sha256(unit.path) == done_sha
    except OSError:
        return False


class _Progress:
    """tqdm bar with files, pages per second and failures (silent when not a terminal)."""

    def __init__(self, total: int, quiet: bool):
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit="file", desc="extract", dynamic_ncols=True,
                        disable=quiet or not sys.stderr.isatty())
        self.start = time.perf_counter()
        self.pages = 0
        self.failed = 0

    def update(self, result: UnitResult) -> None:
        if result.status != "skipped":
            self.pages += result.pages
        self.failed += result.status == "failed"
        elapsed = max(time.perf_counter() - self.start, 1e-9)
        self.bar.set_postfix(pages_s=f"{self.pages / elapsed:.2f}", failed=self.failed,
                             refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def run_batch(units: Sequence[Unit], options: BatchOptions,
              settings: Settings | None = None) -> BatchSummary:
    """Extract every unit into ``options.out_dir``; write the summary and tables.

    Never raises for a bad input file or a dying worker: those become failed
    results. Raises :class:`BatchError` when the workers cannot start at all
    (or the engine is not installed) and :class:`InputsError` when the output
    folder is not writable.
    """
    start = time.perf_counter()
    out_dir = options.out_dir
    check_out_dir(out_dir)
    engine = get_engine(options.engine)
    results: list[UnitResult | None] = [None] * len(units)
    todo: list[int] = []
    for i, unit in enumerate(units):
        if not options.force and is_done(unit, out_dir):
            results[i] = UnitResult(file=str(unit.path), output=unit.output_file, status="skipped")
        else:
            todo.append(i)

    progress = _Progress(len(units), options.quiet)
    for r in results:
        if r is not None:
            progress.update(r)

    def record(index: int, result: UnitResult) -> None:
        results[index] = result
        progress.update(result)

    workers = Workers(jobs=0, threads=0)
    try:
        if todo:
            workers = engine.run(units, todo, options, settings or Settings(), record)
    finally:
        progress.close()
    summary = BatchSummary(results=[r for r in results if r is not None],
                           seconds=time.perf_counter() - start, jobs=workers.jobs,
                           threads_per_job=workers.threads, engine=options.engine)
    write_atomic(out_dir / "summary.json",
                 json.dumps(summary.to_dict(), ensure_ascii=False, indent=2).encode("utf-8"))
    write_tables([ReportRef(file=str(u.path), output=u.output_file) for u in units], out_dir)
    return summary
