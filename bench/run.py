"""Benchmark of govreport against full-page OCR (not a test; see bench/README.md).

Measured in one run, on each sample set (default ``samples/`` and
``samples/stress/``, each PDF once):

- govreport pages per second with ``--jobs 1`` (the real batch: a worker
  process, JSON and tables written; the time inside the pipeline, model
  loading excluded), its time per stage and the worker's peak memory;
- the obvious alternative: full-page PP-OCRv4 (detection + recognition of
  every whole page, ``rapidocr_onnxruntime.RapidOCR``) with the same thread
  count, on the pipeline's own page images; and their ratio (target >= 4x
  on every set).

Then, on the first set (each PDF ``--repeat`` times under another name, so
that every worker has files to share), the batch once per split of the cores
into jobs x threads, wall clock, and the default split (no ``--jobs``)
against the best (target >= 90 %).

And on the born-digital samples (``samples/digital/``, those with an intact
text layer): their pages per second against the same reports as scans
(every page rendered at 200 dpi into a JPEG-only PDF), both through the
one-job batch in the same run, with the time per stage of a digital page.
Target >= 10x; below 5x is a defect.

With ``--engine ray``, also the same batch on a local Ray instance
(``govreport.engines.ray_data``: Ray Data, one actor per core) beside the
local engine's default split, both wall-clock over the same reports: once
with Ray's start-up counted (what ``--engine ray`` costs on one machine) and
once on a Ray instance already running (as on a cluster). Target: Ray within
15 % of local.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from govreport.batch import (  # noqa: E402
    BatchOptions, BatchSummary, available_cores, find_units, run_batch, threads_per_job,
)
from govreport.settings import Settings  # noqa: E402

TARGET_RATIO = 4.0
TARGET_SPLIT = 0.9
TARGET_RAY = 0.85
TARGET_DIGITAL = 10.0
FLOOR_DIGITAL = 5.0
SCAN_DPI = 200


def _copies(pdfs: list[Path], repeat: int, folder: Path) -> Path:
    """``repeat`` copies of each PDF in ``folder`` (distinct names, same bytes)."""
    folder.mkdir(parents=True)
    for k in range(repeat):
        for pdf in pdfs:
            shutil.copy(pdf, folder / f"{pdf.stem}__{k}.pdf")
    return folder


def _batch(inputs: Path, out: Path, jobs: int | None, settings: Settings,
           engine: str = "local") -> BatchSummary:
    """One forced batch run over ``inputs``."""
    options = BatchOptions(out_dir=out, jobs=jobs, force=True, quiet=True, engine=engine)
    return run_batch(find_units([str(inputs)]), options, settings)


def _ray_runs(inputs: Path, settings: Settings,
              tmp: Path) -> tuple[BatchSummary, BatchSummary, float]:
    """The same batch on Ray, cold (Ray started by the batch) and warm (already
    up); and the seconds Ray took to start."""
    import ray

    cold = _batch(inputs, tmp / "out_ray_cold", None, settings, engine="ray")
    start = time.perf_counter()
    ray.init(num_cpus=available_cores(), include_dashboard=False, logging_level="WARNING",
             log_to_driver=False)
    ray_start_s = time.perf_counter() - start
    try:
        warm = _batch(inputs, tmp / "out_ray_warm", None, settings, engine="ray")
    finally:
        ray.shutdown()
    return cold, warm, ray_start_s


def _print_ray(local: BatchSummary, cold: BatchSummary, warm: BatchSummary,
               ray_start_s: float) -> None:
    import ray

    local_rate = local.pages / local.seconds
    print(f"\nRay engine (Ray Data actor pool on a local Ray instance, ray {ray.__version__}) "
          f"vs local --jobs {local.jobs}, wall-clock over the same {local.pages} pages:")
    print(f"  local --jobs {local.jobs} ({local.threads_per_job} thread each): "
          f"{local.seconds:7.1f} s  {local_rate:6.3f} pages/s")
    for name, run in (("ray, start-up counted", cold), ("ray, already running", warm)):
        rate = run.pages / run.seconds
        ratio = rate / local_rate
        print(f"  {name:<22} ({run.jobs} actors x {run.threads_per_job} thread): "
              f"{run.seconds:7.1f} s  {rate:6.3f} pages/s  = {ratio:.2f}x local "
              f"(target >= {TARGET_RAY}: {_verdict(ratio, TARGET_RAY)})"
              + (f"; {run.count('failed')} FAILED" if run.count("failed") else ""))
    print(f"  starting the local Ray instance took {ray_start_s:.1f} s; peak actor memory "
          f"{warm.to_dict()['peak_worker_rss_mb']:.0f} MB")


def _pipeline_seconds(summary: BatchSummary) -> float:
    """Seconds the pipeline spent in its reports (model loading excluded)."""
    return sum(r.timing.get("total", r.seconds) for r in summary.results)


def _full_page_ocr(pdfs: list[Path], settings: Settings, threads: int) -> tuple[int, float]:
    """Pages and seconds of det + rec on every whole page.

    The pages are the pipeline's own page images (``layout.open_document``,
    rasterising included), so both sides read the same pixels.
    """
    import layout
    from rapidocr_onnxruntime import RapidOCR

    engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)
    pages, seconds = 0, 0.0
    for path in pdfs:
        start = time.perf_counter()
        with layout.open_document(path, settings.layout.raster) as document:
            for page in document:
                engine(page.image, use_det=True, use_cls=False, use_rec=True)
                pages += 1
        seconds += time.perf_counter() - start
    return pages, seconds


def _as_scans(pdfs: list[Path], folder: Path) -> Path:
    """Each PDF with every page rendered at SCAN_DPI into an image-only (JPEG) PDF."""
    import pypdfium2 as pdfium

    folder.mkdir(parents=True)
    for path in pdfs:
        document = pdfium.PdfDocument(path)
        images = [page.render(scale=SCAN_DPI / 72, grayscale=True).to_pil() for page in document]
        document.close()
        images[0].save(folder / path.name, "PDF", save_all=True, append_images=images[1:],
                       resolution=float(SCAN_DPI), quality=85)
    return folder


def _intact_digital(folder: Path) -> list[Path]:
    """The digital samples whose text layer is intact (manifest ``spoil`` null)."""
    import json

    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    return [folder / f"{e['name']}.pdf" for e in manifest if e.get("spoil") is None]


def _digital_vs_scans(folder: Path, settings: Settings) -> None:
    pdfs = _intact_digital(folder)
    with tempfile.TemporaryDirectory(prefix="govreport-bench-digital-") as tmp:
        digital = _batch(_copies(pdfs, 1, Path(tmp) / "digital"), Path(tmp) / "out_d", 1, settings)
        scans = _batch(_as_scans(pdfs, Path(tmp) / "scans"), Path(tmp) / "out_s", 1, settings)
    d_rate = digital.pages / _pipeline_seconds(digital)
    s_rate = scans.pages / _pipeline_seconds(scans)
    ratio = d_rate / s_rate
    verdict = "DEFECT" if ratio < FLOOR_DIGITAL else _verdict(ratio, TARGET_DIGITAL)
    print(f"\nborn-digital samples ({folder.name}/, intact text layer): {len(pdfs)} reports, "
          f"{digital.pages} pages")
    print(f"  text layer: {d_rate:7.2f} pages/s   the same reports as {SCAN_DPI}-dpi scans: "
          f"{s_rate:6.3f} pages/s   (--jobs 1, loading excluded)")
    print(f"  digital / scanned: {ratio:.1f}x  (target >= {TARGET_DIGITAL:.0f}x, "
          f"below {FLOOR_DIGITAL:.0f}x a defect: {verdict})")
    print("  time per stage of a digital page:")
    _print_stages(digital)


def _print_stages(summary: BatchSummary) -> None:
    """Seconds and ms per page of each stage, slowest first."""
    stages = {k: v for k, v in summary.to_dict()["timing"].items() if k != "total"}
    for stage, seconds in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"    {stage:<12} {seconds:8.2f} s  {1000 * seconds / max(summary.pages, 1):8.1f} ms/page")


def _verdict(value: float, target: float) -> str:
    return "ok" if value >= target else "BELOW TARGET"


def _splits(cores: int) -> list[tuple[int, int]]:
    """(jobs, threads per job) with jobs x threads = the cores, one job first."""
    return [(jobs, cores // jobs) for jobs in range(1, cores + 1) if cores % jobs == 0]


def _run_splits(inputs: Path, settings: Settings, tmp: Path, cores: int) -> list[BatchSummary]:
    """The batch once per split of the cores into jobs x threads (``_splits``);
    the batch itself gives each of ``jobs`` workers ``cores // jobs`` threads."""
    return [_batch(inputs, tmp / f"out_{jobs}x{threads}", jobs, settings)
            for jobs, threads in _splits(cores)]


def _print_splits(runs: list[BatchSummary], default: BatchSummary) -> None:
    """Wall-clock pages/s of every split, the best, and how the default compares."""
    best = max(runs, key=lambda r: r.pages / r.seconds)
    best_rate = best.pages / best.seconds
    print("  job x thread splits of the cores (the real batch, wall clock):")
    for run in runs:
        rate = run.pages / run.seconds
        print(f"    --jobs {run.jobs} x {run.threads_per_job} thread(s): {run.seconds:7.1f} s  "
              f"{rate:6.3f} pages/s  {rate / best_rate:5.1%} of the best"
              + ("   <- best" if run is best else ""))
    share = (default.pages / default.seconds) / best_rate
    print(f"  default split (no --jobs: --jobs {default.jobs} x {default.threads_per_job}): "
          f"{share:.1%} of the best (target >= {TARGET_SPLIT:.0%}: {_verdict(share, TARGET_SPLIT)})")
    print(f"  speed-up --jobs 1 -> {runs[-1].jobs}: {runs[0].seconds / runs[-1].seconds:.2f}x")


def _print_set(name: str, one: BatchSummary, baseline: tuple[int, float] | None,
               threads: int) -> float | None:
    """One sample set's figures; returns govreport / full-page OCR (None without baseline)."""
    pipe_s = _pipeline_seconds(one)
    print(f"\n{name}: {len(one.results)} reports, {one.pages} pages")
    if one.count("failed"):
        print(f"  WARNING: {one.count('failed')} reports failed; figures cover the others")
    print(f"  govreport --jobs 1 ({one.threads_per_job} threads): {one.pages / pipe_s:6.3f} pages/s "
          f"in the pipeline (model loading excluded), {one.pages / one.seconds:6.3f} wall; "
          f"peak worker memory {one.to_dict()['peak_worker_rss_mb']:.0f} MB (limit 1536 MB)")
    print("  time per stage (summed over reports; layout runs beside recognition, so the "
          "stages add up to more than the total):")
    _print_stages(one)
    if baseline is None:
        return None
    base_pages, base_s = baseline
    ratio = (one.pages / pipe_s) / (base_pages / base_s)
    print(f"  full-page PP-OCRv4 det+rec (RapidOCR, {threads} threads, the pipeline's page "
          f"images): {base_pages / base_s:.3f} pages/s ({base_pages} pages in {base_s:.1f} s)")
    print(f"  govreport / full-page OCR (same threads, loading excluded): {ratio:.2f}x "
          f"(target >= {TARGET_RATIO}x: {_verdict(ratio, TARGET_RATIO)})")
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=Path, nargs="+",
                        default=[REPO / "samples", REPO / "samples" / "stress"],
                        help="folders of sample PDFs, each measured against full-page OCR "
                        "(default: samples/ and samples/stress/); the job splits run on the first")
    parser.add_argument("--repeat", type=int, default=2,
                        help="copies of each PDF of the first folder in the split runs "
                        "(default 2), so that every worker has files to share")
    parser.add_argument("--profile", type=Path, help="TOML settings profile")
    parser.add_argument("--skip-baseline", action="store_true",
                        help="do not run the full-page OCR baseline")
    parser.add_argument("--skip-splits", action="store_true",
                        help="do not run the job x thread splits")
    parser.add_argument("--digital", type=Path, default=REPO / "samples" / "digital",
                        help="born-digital samples for the text-layer figures "
                             "(default: samples/digital/)")
    parser.add_argument("--skip-digital", action="store_true",
                        help="do not run the born-digital figures")
    parser.add_argument("--engine", choices=("local", "ray"), default="local",
                        help="ray: also run the batch on a local Ray instance and compare "
                             "(needs govreport[ray])")
    args = parser.parse_args(argv)

    sets = [(folder, sorted(folder.glob("*.pdf"))) for folder in args.samples]
    for folder, pdfs in sets:
        if not pdfs:
            parser.error(f"no PDFs in {folder}")
    settings = Settings.resolve(args.profile)
    cores = available_cores()
    threads = threads_per_job(1, cores)
    print(f"{cores} cores; sets: {', '.join(f'{f.name}/ ({len(p)} PDFs)' for f, p in sets)}")
    ratios = []
    with tempfile.TemporaryDirectory(prefix="govreport-bench-") as tmp:
        for k, (folder, pdfs) in enumerate(sets):
            one = _batch(_copies(pdfs, 1, Path(tmp) / f"in{k}"), Path(tmp) / f"out{k}", 1, settings)
            baseline = None if args.skip_baseline else _full_page_ocr(pdfs, settings, threads)
            ratios.append((folder.name, _print_set(f"{folder.name}/", one, baseline, threads)))
        if not args.skip_splits or args.engine == "ray":
            inputs = _copies(sets[0][1], args.repeat, Path(tmp) / "in_splits")
            print(f"\njob x thread splits on {sets[0][0].name}/ x {args.repeat} "
                  f"({len(sets[0][1]) * args.repeat} reports):")
            runs = _run_splits(inputs, settings, Path(tmp), cores)
            # no --jobs means one worker per core (govreport.engines.local): that split
            default = next(r for r in runs if r.jobs == cores)
            _print_splits(runs, default)
            if args.engine == "ray":
                _print_ray(default, *_ray_runs(inputs, settings, Path(tmp)))

    if not args.skip_digital:
        _digital_vs_scans(args.digital, settings)
    print(f"\nfull-page PP-OCRv4 peak memory of this process (ru_maxrss): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    shown = [f"{name}/ {ratio:.2f}x" for name, ratio in ratios if ratio is not None]
    if shown:
        print(f"govreport / full-page OCR: {', '.join(shown)} (target >= {TARGET_RATIO}x on every set)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
