"""Engines: how a batch's reports are scheduled onto workers, and nothing more.

Finding the reports, naming their outputs, skipping done work and writing
the summary and tables are :mod:`govreport.batch`'s, shared by every
engine. An engine module has one function::

    run(units, todo, options, settings, record) -> Workers

It extracts ``units[i]`` for every ``i`` in ``todo`` (each worker writes the
report's JSON itself, :func:`govreport.worker.extract_one`), calls
``record(i, result)`` once per report as it finishes — a report its worker
could not finish gets its error output and a failed record — and returns how
many workers read reports with how many threads each.

``local`` (:mod:`.local`): worker processes on this machine.
``ray`` (:mod:`.ray_data`): a Ray Data actor pool on a Ray cluster; Ray is
imported only there, so the default install never needs it.
"""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from types import ModuleType
from typing import Callable

from ..results import UnitResult

ENGINES = {"local": "govreport.engines.local", "ray": "govreport.engines.ray_data"}
"""Engine name (``--engine``) → the module holding its ``run``."""

Record = Callable[[int, UnitResult], None]
"""``record(index into units, result)``: the engine reports one finished report."""


@dataclass(frozen=True)
class Workers:
    """How an engine ran the batch: ``jobs`` workers of ``threads`` threads each."""

    jobs: int
    threads: int


def get_engine(name: str) -> ModuleType:
    """The module of engine ``name`` (imported now, so Ray only when asked for)."""
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    return importlib.import_module(ENGINES[name])


def available_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def threads_per_job(jobs: int, cores: int | None = None) -> int:
    """onnxruntime threads per worker so that threads × workers ≤ cores."""
    return max(1, (cores or available_cores()) // max(1, jobs))
