"""``govreport review`` and ``govreport apply-corrections`` (registered by ``govreport.cli``).

Exit codes: 0 done; 1 the site was written but some report is shown without
page images (its source is gone or changed), or the corrections could not
be applied (nothing was written then); 2 bad arguments.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    review = subparsers.add_parser(
        "review", help="write a static site for reviewing an extract's flagged values",
        description="Write a static review site of the extract in OUT: index.html lists every "
        "report; each report's page shows its page images (re-rendered from the source files) "
        "with the grid and every value's box, the flagged values and the failed checks. "
        "Decisions made there are downloaded as corrections.json for apply-corrections.",
    )
    review.add_argument("out", type=Path, metavar="OUT", help="the folder extract wrote")
    review.add_argument("-o", "--output", type=Path, metavar="DIR",
                        help="where to write the site (default OUT/review)")
    review.add_argument("--profile", type=Path, metavar="FILE",
                        help="the settings profile the extract ran with (page rendering, "
                        "review.* settings)")
    review.set_defaults(run=run_review)

    apply = subparsers.add_parser(
        "apply-corrections", help="write a reviewer's corrections.json into the reports",
        description="Write the decisions of corrections.json into OUT's reports (value set, "
        "review false, a `corrected` member keeping the value read), run the consistency "
        "checks again and rebuild dataset.csv and review.csv. Any decision that cannot be "
        "applied (unknown report or key, a value that is not a number or null) stops it "
        "before anything is written.",
    )
    apply.add_argument("out", type=Path, metavar="OUT", help="the folder extract wrote")
    apply.add_argument("corrections", type=Path, metavar="CORRECTIONS",
                       help="corrections.json downloaded from the review site")
    apply.set_defaults(run=run_apply)


def _not_an_extract(out: Path) -> bool:
    """True (and the reason printed) when ``out`` is not a folder that extract wrote."""
    problem = None
    if not out.is_dir():
        problem = f"{out} is not a folder"
    elif not (out / "dataset.csv").is_file() and not any(out.glob("*.json")):
        problem = f"{out} holds no extract (no dataset.csv, no report JSON)"
    if problem:
        print(f"govreport: error: {problem}", file=sys.stderr)
    return problem is not None


def run_review(args: argparse.Namespace) -> int:
    from ..cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE
    from ..settings import Settings
    from .site import build_site

    if _not_an_extract(args.out):
        return EXIT_USAGE
    try:
        settings = Settings.resolve(args.profile)
    except ValueError as exc:
        print(f"govreport: error: bad settings profile: {exc}", file=sys.stderr)
        return EXIT_USAGE
    result = build_site(args.out, args.output, settings)
    print(f"govreport: review site of {result.reports} reports, {result.flagged} flagged values, "
          f"{result.images} page images -> {result.index}", file=sys.stderr)
    for line in result.problems:
        print(f"govreport: no page images: {line}", file=sys.stderr)
    return EXIT_FAILED if result.problems else EXIT_OK


def run_apply(args: argparse.Namespace) -> int:
    from ..cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE
    from .corrections import CorrectionsError, apply_corrections

    if _not_an_extract(args.out):
        return EXIT_USAGE
    try:
        done = apply_corrections(args.out, args.corrections)
    except CorrectionsError as exc:
        print("govreport: corrections not applied, nothing was written:", file=sys.stderr)
        for line in exc.problems:
            print(f"  {line}", file=sys.stderr)
        return EXIT_FAILED
    for r in done:
        print(f"govreport: {r.output}: {r.settled} settled; {r.still_flagged} still flagged, "
              f"{r.failed_checks} failed checks", file=sys.stderr)
    return EXIT_OK
