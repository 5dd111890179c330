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


REVIEW_SAMPLES = (
    "s08_balance_fail_2022.pdf",        # a failed balance rule, 8 values flagged
    "s09_appeals_fail_2023.pdf",        # a failed appeals sum
    "s10_rot90_2021.pdf",               # scanned sideways: pages turned a quarter
    "s03_tongren_2023.pdf",             # one value flagged
    "stress/t05_perspective_2021.pdf",  # warped scan: pages rectified by a homography
    "digital/d06_mixed_2023.pdf",       # text-layer pages beside a skewed scanned page
)
"""Reports whose extract the review tests work on: every page geometry the site must replay."""


@pytest.fixture(scope="session")
def review_extract(tmp_path_factory) -> Path:
    """A real ``govreport extract`` of REVIEW_SAMPLES; copy it before changing it."""
    from govreport.cli import main

    out = tmp_path_factory.mktemp("review") / "out"
    code = main(["extract", *(str(SAMPLES / name) for name in REVIEW_SAMPLES),
                 "-o", str(out), "-j", "2", "-q"])
    assert code == 0
    return out
