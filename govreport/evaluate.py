"""``govreport eval``: score the pipeline on labelled samples.

A labelled sample is ``<name>.pdf`` (or a page image / folder) beside
``<name>.truth.json``::

    {"meta": {"agency": ..., "year": ..., "template": {...}},
     "fields": {"applications.new.total": 0, ...},
     "expected_failed_rules": ["applications.balance.total"]}

Per report and overall it measures:

- key recall: truth keys present in the output;
- value accuracy: truth keys whose output value equals the truth;
- silent errors: wrong or spurious values NOT marked ``review`` (the number
  the project promises to keep at zero), missing keys excluded;
- review rate: output fields marked ``review``;
- needless review: right values marked ``review``, as a share of right
  values, leaving out the fields of the rules the truth expects to fail (those
  flags are deserved): what a reviewer looks at for nothing;
- rules: whether every expected rule failure was reported as ``failed``;
- seconds per page.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

from models import Report

from .atomic import write_atomic
from .pipeline import Pipeline
from .settings import Settings

TRUTH_SUFFIX = ".truth.json"
SOURCE_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
FLOAT_TOLERANCE = 1e-6  # amounts are printed with at most a few decimals


@dataclass(frozen=True)
class Sample:
    """A labelled report: its source and its ground truth."""

    name: str
    source: Path
    truth: dict[str, Any]


@dataclass
class SampleScore:
    """How one report came out against its truth."""

    name: str
    pages: int = 0
    seconds: float = 0.0
    truth_keys: int = 0
    found: int = 0
    correct: int = 0
    reviewed: int = 0
    fields: int = 0
    right_counted: int = 0  # right values outside the fields of expected rule failures
    needless: int = 0  # of those, marked review
    silent_errors: list[str] = field(default_factory=list)
    wrong_reviewed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    rules_ok: bool = True
    meta_ok: bool = True
    error: str | None = None

    @property
    def recall(self) -> float:
        return self.found / self.truth_keys if self.truth_keys else 1.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.truth_keys if self.truth_keys else 1.0

    @property
    def review_rate(self) -> float:
        return self.reviewed / self.fields if self.fields else 0.0

    @property
    def needless_rate(self) -> float:
        return self.needless / self.right_counted if self.right_counted else 0.0


@dataclass
class EvalResult:
    """Scores of every sample and the totals over all of them."""

    samples: list[SampleScore]

    def _sum(self, attr: str) -> int:
        return sum(getattr(s, attr) for s in self.samples)

    @property
    def accuracy(self) -> float:
        total = self._sum("truth_keys")
        return self._sum("correct") / total if total else 0.0

    @property
    def recall(self) -> float:
        total = self._sum("truth_keys")
        return self._sum("found") / total if total else 0.0

    @property
    def silent_errors(self) -> int:
        return sum(len(s.silent_errors) for s in self.samples)

    @property
    def review_rate(self) -> float:
        fields = self._sum("fields")
        return self._sum("reviewed") / fields if fields else 0.0

    @property
    def needless_rate(self) -> float:
        right = self._sum("right_counted")
        return self._sum("needless") / right if right else 0.0

    @property
    def seconds_per_page(self) -> float:
        pages = self._sum("pages")
        return sum(s.seconds for s in self.samples) / pages if pages else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "accuracy": self.accuracy,
            "recall": self.recall,
            "silent_errors": self.silent_errors,
            "review_rate": self.review_rate,
            "needless_rate": self.needless_rate,
            "seconds_per_page": self.seconds_per_page,
            "rules_ok": all(s.rules_ok for s in self.samples),
            "samples": [
                {**asdict(s), "recall": s.recall, "accuracy": s.accuracy,
                 "review_rate": s.review_rate, "needless_rate": s.needless_rate}
                for s in self.samples
            ],
        }


def find_samples(folder: Path) -> list[Sample]:
    """Every ``<name>.truth.json`` in ``folder`` with its source beside it."""
    samples = []
    for truth_path in sorted(folder.glob(f"*{TRUTH_SUFFIX}")):
        name = truth_path.name[: -len(TRUTH_SUFFIX)]
        candidates = [folder / f"{name}{suffix}" for suffix in SOURCE_SUFFIXES] + [folder / name]
        source = next((c for c in candidates if c.exists()), None)
        if source is None:
            raise FileNotFoundError(f"{truth_path}: no source file named {name}.pdf (or an image/folder)")
        samples.append(Sample(name, source, json.loads(truth_path.read_text(encoding="utf-8"))))
    return samples


def find_samples_or_say(folder: Path) -> list[Sample]:
    """``find_samples``, saying on stderr when there are none (a usage error)."""
    samples = find_samples(folder)
    if not samples:
        print(f"no labelled samples (*{TRUTH_SUFFIX}) in {folder}", file=sys.stderr)
    return samples


def values_equal(expected: Any, actual: Any) -> bool:
    """Truth and output values agree: both null, or equal numbers."""
    if expected is None or actual is None:
        return expected is None and actual is None
    return math.isclose(float(expected), float(actual), rel_tol=0, abs_tol=FLOAT_TOLERANCE)


def score_report(name: str, truth: dict[str, Any], report: Report, seconds: float) -> SampleScore:
    """Compare one report to its truth (see the module docstring for the measures)."""
    expected: dict[str, Any] = truth.get("fields", {})
    score = SampleScore(name=name, pages=report.source.pages, seconds=seconds,
                        truth_keys=len(expected), fields=len(report.fields), error=report.error)
    for key, value in expected.items():
        got = report.fields.get(key)
        if got is None:
            score.missing.append(key)
            continue
        score.found += 1
        if values_equal(value, got.value):
            score.correct += 1
        elif got.review:
            score.wrong_reviewed.append(key)
        else:
            score.silent_errors.append(f"{key}: expected {value!r}, got {got.value!r} (raw {got.raw!r})")
    for key, got in report.fields.items():
        if key not in expected and not got.review:
            score.silent_errors.append(f"{key}: not in the truth, got {got.value!r} unflagged")
    score.reviewed = sum(1 for f in report.fields.values() if f.review)
    failed = {c.rule for c in report.checks if c.status == "failed"}
    expected_failed = set(truth.get("expected_failed_rules", []))
    score.rules_ok = expected_failed <= failed
    deserved = {k for c in report.checks if c.rule in expected_failed for k in c.keys}
    for key, value in expected.items():
        got = report.fields.get(key)
        if got is None or key in deserved or not values_equal(value, got.value):
            continue
        score.right_counted += 1
        score.needless += bool(got.review)
    meta = truth.get("meta", {})
    score.meta_ok = all([
        meta.get("year") in (None, report.meta.year),
        meta.get("agency") in (None, report.meta.agency),
        all(getattr(report.meta.template, k) == v for k, v in meta.get("template", {}).items()),
    ])
    return score


def evaluate(samples: Sequence[Sample], settings: Settings | None = None,
             pipeline: Pipeline | None = None) -> EvalResult:
    """Run the pipeline on every sample and score it."""
    pipeline = pipeline or Pipeline(settings)
    scores = []
    for sample in samples:
        started = time.perf_counter()
        report = pipeline.extract_safe(sample.source)
        scores.append(score_report(sample.name, sample.truth, report, time.perf_counter() - started))
    return EvalResult(scores)


def format_table(result: EvalResult) -> str:
    """The eval table printed by the CLI."""
    header = (f"{'sample':<34} {'keys':>5} {'recall':>7} {'acc':>7} {'silent':>6} {'review':>7} "
              f"{'needless':>8} {'rules':>5} {'meta':>4} {'s/page':>7}")
    rows = [header, "-" * len(header)]
    for s in result.samples:
        rows.append(
            f"{s.name:<34} {s.truth_keys:>5} {s.recall:>7.3f} {s.accuracy:>7.3f} "
            f"{len(s.silent_errors):>6} {s.review_rate:>7.3f} {s.needless_rate:>8.3f} "
            f"{'ok' if s.rules_ok else 'MISS':>5} "
            f"{'ok' if s.meta_ok else 'bad':>4} {s.seconds / max(s.pages, 1):>7.2f}"
            + (f"  error: {s.error}" if s.error else "")
        )
    rows.append("-" * len(header))
    rows.append(
        f"{'overall':<34} {sum(s.truth_keys for s in result.samples):>5} {result.recall:>7.3f} "
        f"{result.accuracy:>7.3f} {result.silent_errors:>6} {result.review_rate:>7.3f} "
        f"{result.needless_rate:>8.3f} "
        f"{'ok' if all(s.rules_ok for s in result.samples) else 'MISS':>5} "
        f"{'ok' if all(s.meta_ok for s in result.samples) else 'bad':>4} {result.seconds_per_page:>7.2f}"
    )
    return "\n".join(rows)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``govreport eval``."""
    parser = subparsers.add_parser("eval", help="score the pipeline on labelled samples")
    parser.add_argument("samples", type=Path, help="folder of <name>.pdf + <name>.truth.json")
    parser.add_argument("--profile", type=Path, help="TOML settings profile")
    parser.add_argument("--json", type=Path, dest="json_out", help="write the scores as JSON here")
    parser.add_argument("--min-accuracy", type=float, help="exit 1 when overall accuracy is lower")
    parser.add_argument("--max-silent-errors", type=int, help="exit 1 when there are more silent errors")
    parser.add_argument("--max-needless-review", type=float, metavar="FRACTION",
                        help="exit 1 when a larger share of the right values is marked review "
                             "(fields of the rules the truth expects to fail left out)")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every wrong value")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """``govreport eval``: print the table; exit 1 when a bound is missed."""
    samples = find_samples_or_say(args.samples)
    if not samples:
        return 2
    result = evaluate(samples, Settings.resolve(args.profile))
    print(format_table(result))
    if args.verbose:
        for s in result.samples:
            for line in s.silent_errors:
                print(f"SILENT {s.name}: {line}")
            for key in s.wrong_reviewed:
                print(f"wrong (review) {s.name}: {key}")
            for key in s.missing:
                print(f"missing {s.name}: {key}")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(args.json_out, json.dumps(result.to_dict(), ensure_ascii=False, indent=2).encode("utf-8"))
    missed = []
    if args.min_accuracy is not None and result.accuracy < args.min_accuracy:
        missed.append(f"accuracy {result.accuracy:.4f} < {args.min_accuracy}")
    if args.max_silent_errors is not None and result.silent_errors > args.max_silent_errors:
        missed.append(f"silent errors {result.silent_errors} > {args.max_silent_errors}")
    if args.max_needless_review is not None and result.needless_rate > args.max_needless_review:
        missed.append(f"needless review {result.needless_rate:.4f} > {args.max_needless_review}")
    for line in missed:
        print(f"eval: bound missed: {line}", file=sys.stderr)
    return 1 if missed else 0
