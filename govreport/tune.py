"""``govreport tune``: search the pipeline's settings on labelled samples.

Optuna samples settings from ``SEARCH_SPACE``; each trial runs the pipeline
on the *training* part of the samples and scores it with ``evaluate``. The
objective is lexicographic in practice: value accuracy minus a heavy penalty
per silent error, minus a small weight times seconds per page, so accuracy
always wins and time only breaks ties. Part of the samples is held out
(every ``holdout_every``-th by name) and scored once at the end, for the
defaults and for the best trial, so over-fitting shows.

The result is a TOML profile holding only the values that differ from the
defaults; ``extract --profile``, ``eval --profile`` and
``Settings.resolve(path)`` read it.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .evaluate import EvalResult, Sample, evaluate, find_samples_or_say
from .atomic import write_atomic
from .pipeline import Pipeline
from .settings import Settings


@dataclass(frozen=True)
class Param:
    """One searched setting: dotted ``path`` uniform (or log) in [low, high]."""

    path: str
    low: float
    high: float
    integer: bool = False
    log: bool = False


# Only settings that change what is read, not just how fast; ranges around
# the defaults wide enough to matter, narrow enough to stay sane.
SEARCH_SPACE: tuple[Param, ...] = (
    Param("layout.binarize.block_mm", 6.0, 16.0),
    Param("layout.binarize.offset", 10.0, 28.0),
    Param("layout.lines.gap_mm", 1.5, 4.0),
    Param("layout.lines.min_line_mm", 6.0, 16.0),
    Param("layout.grid.snap_mm", 1.0, 3.0),
    Param("layout.grid.segment_coverage", 0.6, 0.9),
    Param("layout.grid.min_ink_mm2", 0.15, 0.5),
    Param("pipeline.crop_margin_mm", 0.2, 0.8),
    Param("ocr.crop_margin", 0.1, 0.4),
    Param("mapping.label_cutoff", 50.0, 75.0),
)


@dataclass(frozen=True)
class TuneObjective:
    """Weights of the score a trial maximises."""

    silent_error_penalty: float = 0.05  # accuracy points per silent error
    seconds_weight: float = 0.001  # accuracy points per second per page


def split_samples(samples: Sequence[Sample], holdout_every: int) -> tuple[list[Sample], list[Sample]]:
    """Deterministic split: every ``holdout_every``-th sample (by name) is held out."""
    ordered = sorted(samples, key=lambda s: s.name)
    if holdout_every <= 1 or len(ordered) < 2:
        return ordered, []
    holdout = [s for i, s in enumerate(ordered) if i % holdout_every == holdout_every - 1]
    train = [s for s in ordered if s not in holdout]
    return train, holdout


def score(result: EvalResult, objective: TuneObjective) -> float:
    """The number a trial maximises."""
    return (result.accuracy
            - objective.silent_error_penalty * result.silent_errors
            - objective.seconds_weight * result.seconds_per_page)


def suggest_settings(trial, base: Settings, space: Sequence[Param]) -> Settings:
    """Settings for one optuna trial: ``base`` with the searched values replaced."""
    values: dict[str, float] = {}
    for p in space:
        if p.integer:
            values[p.path] = trial.suggest_int(p.path, int(p.low), int(p.high), log=p.log)
        else:
            values[p.path] = trial.suggest_float(p.path, p.low, p.high, log=p.log)
    return base.overridden(values)


def current_value(settings: Settings, path: str) -> float:
    """The value at a dotted settings path."""
    node = settings
    for part in path.split("."):
        node = getattr(node, part)
    return node


def tune(samples: Sequence[Sample], trials: int, *, base: Settings | None = None,
         holdout_every: int = 4, seed: int = 0, objective: TuneObjective = TuneObjective(),
         space: Sequence[Param] = SEARCH_SPACE, log=print) -> tuple[Settings, dict[str, float]]:
    """Search settings; returns the best settings and the train/holdout scores."""
    import optuna

    base = base or Settings()
    train, holdout = split_samples(samples, holdout_every)
    engine_pipeline = Pipeline(base)  # OCR models load once for every trial

    def run(settings: Settings, part: Sequence[Sample]) -> EvalResult:
        return evaluate(part, pipeline=engine_pipeline.with_settings(settings))

    def objective_fn(trial) -> float:
        settings = suggest_settings(trial, base, space)
        result = run(settings, train)
        trial.set_user_attr("accuracy", result.accuracy)
        trial.set_user_attr("silent_errors", result.silent_errors)
        log(f"trial {trial.number}: accuracy {result.accuracy:.4f}, silent {result.silent_errors}, "
            f"{result.seconds_per_page:.2f} s/page")
        return score(result, objective)

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    # Trial 0 is the starting point, so the best trial is never worse than it.
    study.enqueue_trial({p.path: current_value(base, p.path) for p in space})
    study.optimize(objective_fn, n_trials=trials)
    best = suggest_settings(optuna.trial.FixedTrial(study.best_params), base, space)

    scores = {"train_best": score(run(best, train), objective) if space else study.best_value}
    if holdout:
        scores["holdout_default"] = score(run(base, holdout), objective)
        scores["holdout_best"] = score(run(best, holdout), objective)
    return best, scores


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``govreport tune``."""
    parser = subparsers.add_parser("tune", help="search settings on labelled samples, write a profile")
    parser.add_argument("samples", type=Path, help="folder of <name>.pdf + <name>.truth.json")
    parser.add_argument("-o", "--output", type=Path, required=True, help="TOML profile to write")
    parser.add_argument("--trials", type=int, default=20, help="optuna trials (default 20)")
    parser.add_argument("--profile", type=Path, help="start from this profile instead of the defaults")
    parser.add_argument("--holdout-every", type=int, default=4,
                        help="hold out every N-th sample by name (default 4; 1 = none)")
    parser.add_argument("--seed", type=int, default=0, help="sampler seed (default 0)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    samples = find_samples_or_say(args.samples)
    if not samples:
        return 2
    best, scores = tune(samples, args.trials, base=Settings.resolve(args.profile),
                        holdout_every=args.holdout_every, seed=args.seed)
    write_atomic(args.output, best.to_toml(only_changed=True).encode("utf-8"))
    for name, value in scores.items():
        print(f"{name}: {value:.4f}")
    print(f"profile written to {args.output}")
    return 0
