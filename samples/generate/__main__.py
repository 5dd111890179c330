"""python -m samples.generate [--set samples|stress] [--out DIR] [NAME ...]: (re)build
the samples (samples/) or the stress set (samples/stress/)."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .build import build, read_manifest, write_manifest
from .catalog import all_specs
from .spec import SampleSpec

DEFAULT_OUT = Path(__file__).resolve().parent.parent
SETS = {"samples": DEFAULT_OUT, "stress": DEFAULT_OUT / "stress"}


def specs_of(name: str) -> list[SampleSpec]:
    """The specs of a set ('samples' or 'stress')."""
    if name == "stress":
        from .stress_catalog import all_stress_specs
        return all_stress_specs()
    return all_specs()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("names", nargs="*", help="sample names (default: all)")
    ap.add_argument("--set", choices=sorted(SETS), default="samples",
                    help="which set to build (default: samples)")
    ap.add_argument("--out", type=Path, default=None,
                    help="output directory (default: samples/ or samples/stress/)")
    args = ap.parse_args(argv)
    args.out = args.out or SETS[args.set]
    every = specs_of(args.set)
    specs = [s for s in every if not args.names or s.name in args.names]
    manifest_path = args.out / "manifest.json"
    manifest = read_manifest(manifest_path)
    for s in specs:
        t = time.time()
        manifest[s.name] = build(s, args.out)
        size = (args.out / f"{s.name}.pdf").stat().st_size
        print(f"{s.name}: {len(manifest[s.name]['pages'])} pages, {size / 1e6:.2f} MB, "
              f"{time.time() - t:.1f}s", file=sys.stderr)
    write_manifest(manifest_path, manifest, {s.name for s in every})
    return 0


if __name__ == "__main__":
    sys.exit(main())
