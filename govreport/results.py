"""What a batch run hands back: one record per report and the batch's summary.

Both engines (:mod:`govreport.engines`) fill the same records, so
``summary.json`` has one shape whichever engine ran the batch.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class BatchError(RuntimeError):
    """The batch cannot run at all, e.g. the workers cannot load the models."""


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
    """The batch's outcome; written as ``summary.json``.

    jobs : workers that read reports (processes, or Ray actors).
    threads_per_job : onnxruntime threads of each worker.
    engine : ``local`` or ``ray``.
    """

    results: list[UnitResult]
    seconds: float
    jobs: int
    threads_per_job: int
    engine: str = "local"

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
            "engine": self.engine,
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
