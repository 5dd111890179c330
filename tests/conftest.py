"""Shared fixtures: one real pipeline per test session, reports cached per sample."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"


@pytest.fixture(scope="session")
def pipeline():
    """The real pipeline with default settings (OCR models load once)."""
    from govreport import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def sample_report(pipeline):
    """``sample_report(name)`` -> (Report, seconds), extracted once per session."""
    import time

    @functools.lru_cache(maxsize=None)
    def run(name: str):
        started = time.perf_counter()
        report = pipeline.extract(SAMPLES / f"{name}.pdf")
        return report, time.perf_counter() - started

    return run
