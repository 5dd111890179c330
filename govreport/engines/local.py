"""The local engine: worker processes on this machine, one report at a time each.

``jobs`` worker processes (``spawn`` context) each build one Pipeline when
they start (:func:`govreport.worker.load_pipeline`), with
``max(1, cores // jobs)`` onnxruntime threads. The parent hands each worker
ONE file at a time over its own pipe and waits on every worker's pipe and
process sentinel at once. A worker that dies (a crash, SIGKILL, the OOM
killer) or overruns ``timeout`` costs only the file it was reading: that
file gets an error output, a fresh worker replaces the dead one, and the
batch goes on. A worker writes its report's JSON itself and sends back only
a few numbers, so the parent never holds pages or reports.
"""
from __future__ import annotations

import multiprocessing
import signal
import time
from collections import deque
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ..inputs import Unit
from ..results import BatchError
from ..settings import Settings
from ..worker import extract_one, fail_unit, load_pipeline, result_from
from . import Record, Workers, available_cores, threads_per_job

if TYPE_CHECKING:
    from ..batch import BatchOptions


def _worker_main(conn: Connection, settings: Settings, threads: int,
                 debug_dir: Path | None) -> None:
    """A worker: build one Pipeline, then read (path, output) tasks until told to stop.

    Replies ``("ready", None)`` once the models are loaded (or
    ``("init_failed", message)``), then ``("done", numbers)`` per task.
    Stops on ``None`` or when the parent is gone (EOF on the pipe).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    try:
        pipeline = load_pipeline(settings, threads, debug_dir)
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
        numbers = extract_one(pipeline, Path(path), Path(output))
        try:
            conn.send(("done", numbers))
        except OSError:  # the parent is gone
            return


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


def run(units: Sequence[Unit], todo: Sequence[int], options: "BatchOptions",
        settings: Settings, record: Record) -> Workers:
    """Hand the ``todo`` units to ``options.jobs`` workers one at a time."""
    cores = available_cores()
    jobs = max(1, min(options.jobs or cores, len(todo)))
    threads = threads_per_job(jobs, cores)
    ctx = multiprocessing.get_context(options.start_method)
    pending = deque(todo)
    workers: list[_Worker] = []

    def spawn() -> _Worker:
        return _Worker(ctx, settings, threads, options.debug_dir)

    def finish(worker: _Worker, result: Any) -> None:
        record(worker.task, result)
        worker.task = None
        worker.deadline = None

    def fail(worker: _Worker, message: str) -> None:
        finish(worker, fail_unit(units[worker.task], options.out_dir, message))

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
    return Workers(jobs=jobs, threads=threads)


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
                finish(w, result_from(units[w.task], payload))
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
