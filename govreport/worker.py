"""What one worker does with one report, whichever engine scheduled it.

A worker (a process of the local pool, an actor of the Ray engine) builds one
:class:`~govreport.pipeline.Pipeline` with :func:`load_pipeline` when it
starts, so the OCR models are loaded once per worker, then calls
:func:`extract_one` per report: it reads the report, writes its JSON
atomically next to the others and hands back only a few numbers
(:func:`result_from` turns them into the batch's record). The scheduler never
holds pages or reports.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import resource
import signal
import sys
import time
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .inputs import Unit
from .pipeline import error_report_for
from .results import UnitResult
from .settings import Settings

DIE_ON_ENV = "GOVREPORT_TEST_DIE_ON"
"""TEST HOOK. When set to a file name, the worker that is handed a report of
that name (``Path.name``) kills itself with SIGKILL before reading it. Only the
tests use it, to prove that a dying worker costs one file and not the batch."""


def with_threads(settings: Settings, threads: int) -> Settings:
    """``settings`` with the onnxruntime intra-op threads capped at ``threads``
    (a profile may ask for fewer, never for more)."""
    return settings.overridden(
        {"ocr.intra_op_threads": min(settings.ocr.intra_op_threads, threads)})


def load_pipeline(settings: Settings, threads: int, debug_dir: Path | None) -> Any:
    """The worker's one Pipeline, its OCR held to ``threads`` threads and OpenCV
    to ``PipelineSettings.opencv_threads`` (at most ``threads``)."""
    import cv2

    cv2.setNumThreads(min(threads, settings.pipeline.opencv_threads))
    if settings.pipeline.heap_reuse:
        reuse_freed_heap(settings.pipeline.heap_mmap_threshold_mb)
    from .pipeline import Pipeline

    return Pipeline(with_threads(settings, threads), debug_dir=debug_dir)


def describe(exc: BaseException) -> str:
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


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, MB (Linux reports KB)."""
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / (1024 * 1024)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _test_hook_die(path: Path) -> None:
    """TEST HOOK (see ``DIE_ON_ENV``): SIGKILL this worker on the named file."""
    target = os.environ.get(DIE_ON_ENV)
    if target and path.name == target:
        os.kill(os.getpid(), signal.SIGKILL)


def return_freed_memory() -> None:
    """Give the memory freed by the last report back to the system (glibc's
    ``malloc_trim``; a no-op elsewhere).

    A report's page images and masks are freed when it ends, but glibc keeps
    the freed heap for reuse, and a worker's footprint would otherwise creep
    up report by report (measured over the 28 stress reports: from 0.5 to
    1.45 GB between reports; trimmed, it stays near 0.77 GB).
    """
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


# mallopt parameters (glibc malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD, _M_ARENA_MAX = -1, -3, -8


def reuse_freed_heap(mmap_threshold_mb: int) -> bool:
    """Have glibc keep freed blocks in one heap for reuse (``PipelineSettings.heap_reuse``).

    All threads allocate from the main heap (``M_ARENA_MAX`` 1), blocks up to
    ``mmap_threshold_mb`` come from it rather than from fresh mappings, and
    the heap is never trimmed on its own: :func:`return_freed_memory` does
    that after each report. Returns False where the C library is not glibc,
    which changes nothing.
    """
    libc = _glibc()
    if libc is None:
        return False
    no_trim = 2**31 - 1  # bytes free at the heap's top before glibc trims it itself
    return all(libc.mallopt(param, value) == 1 for param, value in (
        (_M_ARENA_MAX, 1),
        (_M_MMAP_THRESHOLD, mmap_threshold_mb * 2**20),
        (_M_TRIM_THRESHOLD, no_trim),
    ))


@functools.lru_cache(maxsize=1)
def _glibc() -> Any:
    """The C library when it is glibc (has ``malloc_trim`` and ``mallopt``), else None."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
    except OSError:
        return None


def extract_one(pipeline: Any, path: Path, output: Path) -> dict[str, Any]:
    """Extract one report, write its JSON atomically to ``output``, return its numbers.

    Never raises for the report itself (a bug costs this file, not the
    batch); an output that cannot be written is an ``error`` too.
    """
    _test_hook_die(path)
    start = time.perf_counter()
    try:
        report = pipeline.extract_safe(path)
    except Exception as exc:  # a bug must cost this file, not the batch
        report = error_report_for(path, describe(exc))
    try:
        write_atomic(output, report.to_json().encode("utf-8"))
    except OSError as exc:
        return {"error": f"the output could not be written: {exc}"}
    finally:
        return_freed_memory()
    return {
        "error": report.error,
        "pages": report.source.pages,
        "seconds": time.perf_counter() - start,
        "timing": dict(report.timing),
        "warnings": len(report.warnings),
        "fields": len(report.fields),
        "peak_rss_mb": peak_rss_mb(),
    }


def result_from(unit: Unit, numbers: dict[str, Any]) -> UnitResult:
    """The batch's record of a report from the worker's numbers."""
    error = numbers.get("error")
    return UnitResult(
        file=str(unit.path), output=unit.output_file,
        status="failed" if error else "extracted", error=error,
        pages=int(numbers.get("pages", 0)), seconds=float(numbers.get("seconds", 0.0)),
        timing=dict(numbers.get("timing", {})), warnings=int(numbers.get("warnings", 0)),
        fields=int(numbers.get("fields", 0)), peak_rss_mb=float(numbers.get("peak_rss_mb", 0.0)),
    )


def fail_unit(unit: Unit, out_dir: Path, message: str) -> UnitResult:
    """Write the error output of a report its worker could not finish; its record."""
    try:
        write_atomic(out_dir / unit.output_file,
                     error_report_for(unit.path, message).to_json().encode("utf-8"))
    except OSError:
        pass  # the failure is in summary.json all the same
    return UnitResult(file=str(unit.path), output=unit.output_file, status="failed",
                      error=message)
