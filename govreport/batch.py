"""Batch extraction: many scanned reports in, one JSON each plus tables out.

``govreport extract`` is a thin layer over this module::

    units = find_units(["archive/", "more/*.pdf"])
    summary = run_batch(units, BatchOptions(out_dir=Path("out"), jobs=2), settings)

Which files and folders are reports, and how their outputs are named:
:mod:`govreport.inputs`.

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

The pool
--------
``jobs`` worker processes (``spawn`` context) each build one
:class:`~govreport.pipeline.Pipeline` when they start, so the OCR models are
loaded once per worker, with ``max(1, cores // jobs)`` onnxruntime threads.
The parent hands each worker ONE file at a time over its own pipe and waits
on every worker's pipe and process sentinel at once. A worker that dies (a
crash, SIGKILL, the OOM killer) or overruns ``timeout`` costs only the file
it was reading: that file gets an error output, a fresh worker replaces the
dead one, and the batch goes on. A worker writes its report's JSON itself
and sends back only a few numbers, so the parent never holds pages or
reports; a worker holds one report at a time, and the layout stage streams
its pages.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import resource
import signal
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Sequence


from .atomic import write_atomic
from .inputs import IMAGE_SUFFIXES, PDF_SUFFIXES, InputsError, Unit, find_units, name_units
from .pipeline import error_report_for, file_sha256
from .tables import ReportRef, write_tables
from .settings import Settings

__all__ = [
    "PDF_SUFFIXES",
    "IMAGE_SUFFIXES",
    "BatchOptions",
    "BatchError",
    "InputsError",
    "Unit",
    "UnitResult",
    "BatchSummary",
    "find_units",
    "name_units",
    "write_atomic",
    "default_jobs",
    "threads_per_job",
    "run_batch",
]


DEFAULT_TIMEOUT_S = 1800.0
"""Default limit per report (seconds); 0 or None means no limit."""

DIE_ON_ENV = "GOVREPORT_TEST_DIE_ON"
"""TEST HOOK. When set to a file name, the worker that is handed a report of
that name (``Path.name``) kills itself with SIGKILL before reading it. Only the
tests use it, to prove that a dying worker costs one file and not the batch."""


class BatchError(RuntimeError):
    """The batch cannot run at all, e.g. the workers cannot load the models."""


# --------------------------------------------------------------------------
# Files


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


# --------------------------------------------------------------------------
# Options and results


def available_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def default_jobs() -> int:
    """Default worker count: one per available core."""
    return available_cores()


def threads_per_job(jobs: int, cores: int | None = None) -> int:
    """onnxruntime threads per worker so that threads × workers ≤ cores."""
    return max(1, (cores or available_cores()) // max(1, jobs))


@dataclass(frozen=True)
class BatchOptions:
    """Every tunable of a batch run.

    out_dir : where the JSON files and the tables go (created if missing).
    jobs : worker processes (None = one per core); never more than reports.
    force : redo reports whose output is already there.
    quiet : no progress bar (it is also off when stderr is not a terminal).
    timeout : seconds one report may take before its worker is stopped and
        the report failed (None or 0 = no limit).
    debug_dir : handed to the pipeline, which draws its stages there.
    start_method : multiprocessing start method of the workers
        (``spawn`` or ``forkserver``; never ``fork``, which would copy the
        parent's threads and state into each worker).
    """

    out_dir: Path
    jobs: int | None = None
    force: bool = False
    quiet: bool = False
    timeout: float | None = DEFAULT_TIMEOUT_S
    debug_dir: Path | None = None
    start_method: str = "spawn"


@dataclass
class UnitResult:
    """What became of one report in this run (a few numbers, never the report)."""

    file: str
    output: str
    status: str  # "extracted" | "skipped" | "failed"
    error: str | None = None
    pages: int = 0
    seconds: float = 0.0
    timing: dict[str, float] = field(default_factory=dict)
    warnings: int = 0
    fields: int = 0
    peak_rss_mb: float = 0.0


@dataclass
class BatchSummary:
    """The batch's outcome; written as ``summary.json``."""

    results: list[UnitResult]
    seconds: float
    jobs: int
    threads_per_job: int

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def pages(self) -> int:
        """Pages read in this run (skipped reports not counted)."""
        return sum(r.pages for r in self.results if r.status != "skipped")

    @property
    def exit_code(self) -> int:
        """0 when every report was extracted (now or before), else 1."""
        return 1 if self.count("failed") else 0

    def to_dict(self) -> dict[str, Any]:
        timing: dict[str, float] = {}
        for r in self.results:
            for stage, seconds in r.timing.items():
                timing[stage] = round(timing.get(stage, 0.0) + seconds, 3)
        return {
            "files": len(self.results),
            "extracted": self.count("extracted"),
            "skipped": self.count("skipped"),
            "failed": self.count("failed"),
            "pages": self.pages,
            "seconds": round(self.seconds, 3),
            "pages_per_second": round(self.pages / self.seconds, 3) if self.seconds > 0 else 0.0,
            "jobs": self.jobs,
            "threads_per_job": self.threads_per_job,
            "peak_worker_rss_mb": round(max((r.peak_rss_mb for r in self.results), default=0.0), 1),
            "timing": timing,
            "failures": [
                {"file": r.file, "output": r.output, "error": r.error}
                for r in self.results if r.status == "failed"
            ],
            "without_fields": [
                r.output for r in self.results if r.status == "extracted" and r.fields == 0
            ],
        }


# --------------------------------------------------------------------------
# Worker side (runs in the child processes)


def _describe(exc: BaseException) -> str:
    """Words a user understands for an error the pipeline did not catch itself."""
    if isinstance(exc, FileNotFoundError):
        return "the file was not found: it was moved or deleted before it could be read"
    if isinstance(exc, PermissionError):
        return "the file could not be read: permission denied"
    if isinstance(exc, MemoryError):
        return "the file needs more memory than is available"
    if isinstance(exc, OSError):
        return f"the file could not be read: {exc.strerror or exc}"
    return f"internal error while reading this file ({type(exc).__name__}: {exc})"


def _peak_rss_mb() -> float:
    """This process's peak resident memory so far, MB (Linux reports KB)."""
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / (1024 * 1024)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _test_hook_die(path: Path) -> None:
    """TEST HOOK (see ``DIE_ON_ENV``): SIGKILL this worker on the named file."""
    target = os.environ.get(DIE_ON_ENV)
    if target and path.name == target:
        os.kill(os.getpid(), signal.SIGKILL)


def _extract_one(pipeline: Any, path: Path, output: Path) -> dict[str, Any]:
    """Extract one report, write its JSON atomically, return its numbers."""
    _test_hook_die(path)
    start = time.perf_counter()
    try:
        report = pipeline.extract_safe(path)
    except Exception as exc:  # a bug must cost this file, not the batch
        report = error_report_for(path, _describe(exc))
    write_atomic(output, report.to_json().encode("utf-8"))
    return {
        "error": report.error,
        "pages": report.source.pages,
        "seconds": time.perf_counter() - start,
        "timing": dict(report.timing),
        "warnings": len(report.warnings),
        "fields": len(report.fields),
        "peak_rss_mb": _peak_rss_mb(),
    }


def _worker_main(conn: Connection, settings: Settings, threads: int,
                 debug_dir: Path | None) -> None:
    """A worker: build one Pipeline, then read (path, output) tasks until told to stop.

    Replies ``("ready", None)`` once the models are loaded (or
    ``("init_failed", message)``), then ``("done", numbers)`` per task.
    Stops on ``None`` or when the parent is gone (EOF on the pipe).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    try:
        import cv2

        cv2.setNumThreads(threads)
        from .pipeline import Pipeline

        pipeline = Pipeline(settings, debug_dir=debug_dir)
    except BaseException as exc:
        conn.send(("init_failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        path, output = task
        try:
            numbers = _extract_one(pipeline, Path(path), Path(output))
        except Exception as exc:  # e.g. the output could not be written
            numbers = {"error": f"the output could not be written: {exc}"}
        try:
            conn.send(("done", numbers))
        except OSError:  # the parent is gone
            return


# --------------------------------------------------------------------------
# Parent side


def _with_threads(settings: Settings, threads: int) -> Settings:
    """``settings`` with the onnxruntime intra-op threads capped at ``threads``
    (a profile may ask for fewer, never for more)."""
    return settings.overridden(
        {"ocr.intra_op_threads": min(settings.ocr.intra_op_threads, threads)})


class _Worker:
    """One child process, its pipe, and the report it is reading (if any)."""

    def __init__(self, ctx: Any, settings: Settings, threads: int, debug_dir: Path | None):
        self.conn, child_conn = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker_main, args=(child_conn, settings, threads, debug_dir), daemon=True
        )
        self.process.start()
        child_conn.close()
        self.ready = False
        self.task: int | None = None
        self.deadline: float | None = None

    def send(self, index: int, path: Path, output: Path, timeout: float | None) -> None:
        self.conn.send((str(path), str(output)))
        self.task = index
        self.deadline = time.monotonic() + timeout if timeout else None

    def stop(self, kill: bool = False) -> None:
        """Ask the worker to finish (or kill it) and reap it."""
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(timeout=None if kill else 5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _death_message(exitcode: int | None) -> str:
    """Why a worker stopped, in words."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        how = f"was killed ({name}"
        how += ", possibly for lack of memory)" if -exitcode == signal.SIGKILL else ")"
    else:
        how = f"stopped unexpectedly (exit code {exitcode})"
    return (f"the worker process reading this file {how}; the file was skipped "
            "and the batch went on")


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


def _write_failure(unit: Unit, out_dir: Path, message: str) -> None:
    """Write the error output of a report whose worker could not finish it."""
    try:
        write_atomic(out_dir / unit.output_file,
                     error_report_for(unit.path, message).to_json().encode("utf-8"))
    except OSError:
        pass  # the failure is in summary.json all the same


def run_batch(units: Sequence[Unit], options: BatchOptions,
              settings: Settings | None = None) -> BatchSummary:
    """Extract every unit into ``options.out_dir``; write the summary and tables.

    Never raises for a bad input file or a dying worker: those become failed
    results. Raises :class:`BatchError` when the workers cannot start at all
    and :class:`InputsError` when the output folder is not writable.
    """
    start = time.perf_counter()
    out_dir = options.out_dir
    check_out_dir(out_dir)
    results: list[UnitResult | None] = [None] * len(units)
    todo: list[int] = []
    for i, unit in enumerate(units):
        if not options.force and is_done(unit, out_dir):
            results[i] = UnitResult(file=str(unit.path), output=unit.output_file, status="skipped")
        else:
            todo.append(i)

    jobs = max(1, min(options.jobs or default_jobs(), len(todo) or 1))
    threads = threads_per_job(jobs)
    progress = _Progress(len(units), options.quiet)
    for r in results:
        if r is not None:
            progress.update(r)
    try:
        if todo:
            worker_settings = _with_threads(settings or Settings(), threads)
            _run_pool(units, todo, results, options, worker_settings, jobs, threads, progress)
    finally:
        progress.close()
    summary = BatchSummary(results=[r for r in results if r is not None],
                           seconds=time.perf_counter() - start, jobs=jobs,
                           threads_per_job=threads)
    write_atomic(out_dir / "summary.json",
                 json.dumps(summary.to_dict(), ensure_ascii=False, indent=2).encode("utf-8"))
    write_tables([ReportRef(file=str(u.path), output=u.output_file) for u in units], out_dir)
    return summary


def _result_from(unit: Unit, numbers: dict[str, Any]) -> UnitResult:
    """The parent's record of a report from the worker's numbers."""
    error = numbers.get("error")
    return UnitResult(
        file=str(unit.path), output=unit.output_file,
        status="failed" if error else "extracted", error=error,
        pages=int(numbers.get("pages", 0)), seconds=float(numbers.get("seconds", 0.0)),
        timing=dict(numbers.get("timing", {})), warnings=int(numbers.get("warnings", 0)),
        fields=int(numbers.get("fields", 0)), peak_rss_mb=float(numbers.get("peak_rss_mb", 0.0)),
    )


def _run_pool(units: Sequence[Unit], todo: Sequence[int], results: list[UnitResult | None],
              options: BatchOptions, settings: Settings, jobs: int, threads: int,
              progress: _Progress) -> None:
    """Hand the ``todo`` units to ``jobs`` workers one at a time; fill ``results``."""
    ctx = multiprocessing.get_context(options.start_method)
    pending = deque(todo)
    workers: list[_Worker] = []

    def spawn() -> _Worker:
        return _Worker(ctx, settings, threads, options.debug_dir)

    def finish(worker: _Worker, result: UnitResult) -> None:
        results[worker.task] = result
        progress.update(result)
        worker.task = None
        worker.deadline = None

    def fail(worker: _Worker, message: str) -> None:
        unit = units[worker.task]
        _write_failure(unit, options.out_dir, message)
        finish(worker, UnitResult(file=str(unit.path), output=unit.output_file,
                                  status="failed", error=message))

    try:
        workers = [spawn() for _ in range(jobs)]
        while pending or any(w.task is not None for w in workers):
            for w in workers:
                if w.ready and w.task is None and pending:
                    i = pending.popleft()
                    w.send(i, units[i].path, options.out_dir / units[i].output_file,
                           options.timeout)
            deadlines = [w.deadline for w in workers if w.deadline is not None]
            wait_s = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            wait([w.conn for w in workers] + [w.process.sentinel for w in workers], wait_s)
            for k, w in enumerate(workers):
                replace = _poll_worker(w, units, finish, fail)
                if not replace and w.deadline is not None and time.monotonic() > w.deadline:
                    fail(w, f"reading this file took longer than {options.timeout:g} s "
                            "(the timeout); it was stopped")
                    replace = True
                if replace:
                    w.stop(kill=True)
                    workers[k] = spawn() if pending else None
            workers = [w for w in workers if w is not None]
    finally:
        for w in workers:
            w.stop(kill=w.task is not None)


def _poll_worker(w: _Worker, units: Sequence[Unit], finish: Any, fail: Any) -> bool:
    """Read what ``w`` sent; True when it is dead and must be replaced.

    Raises :class:`BatchError` when the worker could not load the pipeline.
    """
    alive = w.process.is_alive()  # before draining: a dead worker's last words are all in the pipe
    try:
        while w.conn.poll():
            kind, payload = w.conn.recv()
            if kind == "init_failed":
                raise BatchError(f"the workers could not load the pipeline: {payload}")
            if kind == "ready":
                w.ready = True
            elif kind == "done" and w.task is not None:
                finish(w, _result_from(units[w.task], payload))
    except (EOFError, OSError):
        pass
    if alive:
        return False
    w.process.join()
    if not w.ready and w.task is None:
        raise BatchError("a worker process stopped while loading the pipeline "
                         f"(exit code {w.process.exitcode})")
    if w.task is not None:
        fail(w, _death_message(w.process.exitcode))
    return True
