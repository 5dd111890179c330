"""The ``govreport`` command line.

    govreport extract archive/ more/*.pdf -o out/ --jobs 2
    govreport extract scan.pdf -o out/
    govreport schema > report.schema.json
    govreport review out/                   out/review/index.html
    govreport apply-corrections out/ corrections.json
    python -m govreport ...            (the same)

Subcommands live in modules that expose ``add_parser(subparsers)``; the
parser it adds sets ``run`` (``parser.set_defaults(run=run)``), a function
taking the parsed ``argparse.Namespace`` and returning the exit code.
``extract`` and ``schema`` are defined here; ``eval``
(``govreport/evaluate.py``), ``tune`` (``govreport/tune.py``), ``review``
and ``apply-corrections`` (``govreport/review/commands.py``) in their own
modules.

Exit codes: 0 every file extracted; 1 some file failed (or the batch could
not run); 2 bad arguments (unknown option, no inputs found, output folder not
writable, unreadable profile).
"""
from __future__ import annotations

import argparse
import importlib
import json
import signal
import sys
import threading
from pathlib import Path
from typing import Sequence

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, the shell's convention

SUBCOMMAND_MODULES = ("govreport.evaluate", "govreport.tune", "govreport.review.commands")
"""Modules adding subcommands through their ``add_parser``."""


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _non_negative_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, not {value}")
    return value


def _add_extract(subparsers: argparse._SubParsersAction) -> None:
    from .batch import DEFAULT_TIMEOUT_S, ENGINES

    parser = subparsers.add_parser(
        "extract", help="extract reports to JSON (files, folders, globs)",
        description="Extract every report named by INPUT into OUT/<name>.json, then write "
        "OUT/summary.json, OUT/dataset.csv and OUT/review.csv. A folder holding only page "
        "images is one report; otherwise each PDF or image is its own report. Reports "
        "already extracted from the same source (same SHA-256) are skipped unless --force.",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="PDF or image file, folder (walked recursively) or glob")
    parser.add_argument("-o", "--out", required=True, type=Path, metavar="OUT",
                        help="output folder (created if missing)")
    parser.add_argument("-j", "--jobs", type=_positive_int, default=None,
                        help="workers: processes, or Ray actors (default: one per CPU core of "
                        "this machine or of the Ray cluster); each gets max(1, cores // jobs) "
                        "OCR threads")
    parser.add_argument("--profile", type=Path, metavar="FILE",
                        help="TOML settings profile (see govreport/settings.py)")
    parser.add_argument("--debug-dir", type=Path, metavar="DIR",
                        help="draw the pipeline's intermediate stages into DIR")
    parser.add_argument("--force", action="store_true",
                        help="redo reports whose output already exists")
    parser.add_argument("--timeout", type=_non_negative_float, default=DEFAULT_TIMEOUT_S,
                        metavar="SECONDS",
                        help=f"give up on a report after this long (default {DEFAULT_TIMEOUT_S:g}; "
                        "0 = no limit)")
    parser.add_argument("--engine", choices=sorted(ENGINES), default="local",
                        help="local: worker processes on this machine (default); ray: a Ray "
                        "Data actor pool on a Ray cluster (pip install 'govreport[ray]')")
    parser.add_argument("--ray-address", metavar="ADDR",
                        help="with --engine ray: the cluster to join (auto, ray://host:10001); "
                        "inputs and OUT must be on a filesystem every node sees. Default: "
                        "start a local Ray instance")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bar and no closing summary line")
    parser.set_defaults(run=run_extract)


def _add_schema(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("schema", help="print the JSON Schema of a report")
    parser.set_defaults(run=run_schema)


def _add_subcommand_modules(subparsers: argparse._SubParsersAction) -> None:
    """Register the subcommands defined in their own modules (imported lazily)."""
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).add_parser(subparsers)


def build_parser() -> argparse.ArgumentParser:
    """The full parser: ``extract``, ``schema`` and the subcommand modules'."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="govreport",
        description="Scanned 政府信息公开工作年度报告 to structured, checked JSON.",
    )
    parser.add_argument("--version", action="version", version=f"govreport {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_extract(subparsers)
    _add_schema(subparsers)
    _add_subcommand_modules(subparsers)
    return parser


def run_schema(args: argparse.Namespace) -> int:
    """Print ``Report.model_json_schema()``."""
    from models import Report

    print(json.dumps(Report.model_json_schema(), ensure_ascii=False, indent=2))
    return EXIT_OK


def run_extract(args: argparse.Namespace) -> int:
    """Run a batch; print a closing line unless quiet; return the exit code."""
    from .batch import BatchError, BatchOptions, InputsError, find_units, run_batch
    from .settings import Settings

    if args.ray_address and args.engine != "ray":
        return _usage_error("--ray-address needs --engine ray")
    try:
        settings = Settings.resolve(args.profile)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        return _usage_error(f"bad settings profile: {exc}")
    try:
        units = find_units(args.inputs, exclude=[p for p in (args.out, args.debug_dir) if p])
        options = BatchOptions(out_dir=args.out, jobs=args.jobs, force=args.force,
                               quiet=args.quiet, timeout=args.timeout or None,
                               debug_dir=args.debug_dir, engine=args.engine,
                               ray_address=args.ray_address)
        summary = run_batch(units, options, settings)
    except InputsError as exc:
        return _usage_error(str(exc))
    except BatchError as exc:
        print(f"govreport: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if not args.quiet:
        data = summary.to_dict()
        print(f"govreport: {data['files']} files: {data['extracted']} extracted, "
              f"{data['skipped']} skipped, {data['failed']} failed; {data['pages']} pages in "
              f"{data['seconds']:.1f} s -> {args.out}", file=sys.stderr)
    for failure in summary.to_dict()["failures"]:
        print(f"govreport: failed: {failure['file']}: {failure['error']}", file=sys.stderr)
    return summary.exit_code


def _usage_error(message: str) -> int:
    print(f"govreport: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops the batch like Ctrl-C: workers are stopped, outputs stay whole."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``govreport`` and ``python -m govreport``; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on errors, 0 for --help
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if in_main_thread else None
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("govreport: interrupted; rerun the same command to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
