"""One real batch (``python -m govreport extract``, real pipeline, two workers)
over a good sample and every kind of bad input: each bad file gets its own
output with an ``error`` a user understands, a worker killed mid-file costs
that file only, and the summary, tables and exit code say so."""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import img2pdf
import numpy as np
import pikepdf
import pytest

from govreport.batch import DIE_ON_ENV

REPO = Path(__file__).resolve().parents[1]
MAX_WORKER_RSS_MB = 1536


def _sample_pdf() -> Path:
    """The smallest sample report PDF."""
    pdfs = sorted((REPO / "samples").glob("*.pdf"), key=lambda p: p.stat().st_size)
    assert pdfs, "samples/*.pdf is missing: the batch tests need one real report"
    return pdfs[0]


def _not_a_report(path: Path) -> None:
    """A one-page PDF of plain text, no report tables."""
    image = np.full((1100, 850, 3), 255, np.uint8)
    for i, line in enumerate(("Minutes of the meeting", "Attendees: five", "No decisions.")):
        cv2.putText(image, line, (80, 160 + 90 * i), cv2.FONT_HERSHEY_SIMPLEX, 1.3, (0, 0, 0), 3)
    ok, png = cv2.imencode(".png", image)
    path.write_bytes(img2pdf.convert(png.tobytes(), layout_fun=img2pdf.get_fixed_dpi_layout_fun((100, 100))))


def _make_inputs(folder: Path) -> None:
    sample = _sample_pdf()
    folder.mkdir()
    shutil.copy(sample, folder / "good.pdf")
    shutil.copy(sample, folder / "die.pdf")
    data = sample.read_bytes()
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 3])
    with pikepdf.open(sample) as pdf:
        pdf.save(folder / "encrypted.pdf", encryption=pikepdf.Encryption(user="secret", owner="o"))
    pikepdf.new().save(folder / "zero_pages.pdf")
    (folder / "text.pdf").write_text("这不是PDF, just some text\n" * 20, encoding="utf-8")
    (folder / "empty.pdf").write_bytes(b"")
    _not_a_report(folder / "not_a_report.pdf")
    big = np.full((10000, 10000), 255, np.uint8)
    cv2.rectangle(big, (1000, 1000), (9000, 9000), 0, 6)
    cv2.imwrite(str(folder / "huge.png"), big)
    cv2.imwrite(str(folder / "tiny.png"), np.full((40, 40, 3), 255, np.uint8))


# expected failures: output stem -> words the error must contain (any of them)
EXPECTED_ERRORS = {
    "truncated": ("corrupt", "truncated", "damaged"),
    "encrypted": ("encrypted", "password"),
    "zero_pages": ("no pages",),
    "text": ("neither a pdf", "not a pdf", "corrupt", "cannot be read"),
    "empty": ("empty",),
    "tiny": ("small",),
    "die": ("worker process",),
}


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("bad")
    _make_inputs(root / "in")
    out = root / "out"
    env = {**os.environ, DIE_ON_ENV: "die.pdf"}
    done = subprocess.run(
        [sys.executable, "-m", "govreport", "extract", str(root / "in"), "-o", str(out),
         "--jobs", "2"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=1800,
    )
    return root, out, done


def _report(out: Path, stem: str) -> dict:
    return json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("stem", sorted(EXPECTED_ERRORS))
def test_each_bad_file_has_its_own_error_output(batch_run, stem: str) -> None:
    _, out, _ = batch_run
    report = _report(out, stem)
    error = report["error"]
    assert error, f"{stem}: no error"
    assert any(word in error.lower() for word in EXPECTED_ERRORS[stem]), error
    assert "Traceback" not in error and "internal error" not in error
    assert report["fields"] == {}


def test_huge_image_is_handled_without_crashing(batch_run) -> None:
    _, out, _ = batch_run
    report = _report(out, "huge")
    if report["error"]:  # refusing it is fine, in words
        assert "Traceback" not in report["error"] and "internal error" not in report["error"]
        assert any(w in report["error"].lower() for w in ("large", "big", "memory")), report["error"]


def test_a_pdf_that_is_no_report_gives_a_warning_not_an_error(batch_run) -> None:
    _, out, _ = batch_run
    report = _report(out, "not_a_report")
    assert report["error"] is None
    assert report["fields"] == {}
    assert report["warnings"]


def test_the_good_report_survives_its_neighbours(batch_run) -> None:
    _, out, _ = batch_run
    report = _report(out, "good")
    assert report["error"] is None
    assert report["fields"]
    assert report["source"]["pages"] > 0


def test_summary_counts_and_exit_code(batch_run) -> None:
    _, out, done = batch_run
    assert done.returncode == 1, done.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    failed = {Path(f["output"]).stem for f in summary["failures"]}
    assert set(EXPECTED_ERRORS) <= failed <= set(EXPECTED_ERRORS) | {"huge"}
    assert summary["files"] == 10
    assert summary["failed"] == len(failed)
    assert summary["extracted"] == 10 - len(failed)
    assert summary["skipped"] == 0
    assert summary["pages"] >= _report(out, "good")["source"]["pages"]
    assert all(f["error"] for f in summary["failures"])
    # not a terminal: no progress bar on stderr
    assert "file/s" not in done.stderr and "\r" not in done.stderr


def test_peak_worker_memory_stays_under_budget(batch_run) -> None:
    """Every worker, including the one that read the 10000 x 10000 px image."""
    _, out, _ = batch_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert 0 < summary["peak_worker_rss_mb"] < MAX_WORKER_RSS_MB


def test_dataset_and_review_tables(batch_run) -> None:
    _, out, _ = batch_run
    raw = (out / "dataset.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows the Chinese text
    with open(out / "dataset.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 10
    good = next(r for r in rows if r["output"] == "good.json")
    fields = _report(out, "good")["fields"]
    key, field = next(iter(fields.items()))
    assert key in good
    assert good[key] == ("" if field["value"] is None else str(field["value"]))
    assert next(r for r in rows if r["output"] == "empty.json")["error"]
    with open(out / "review.csv", encoding="utf-8-sig", newline="") as handle:
        review = list(csv.DictReader(handle))
    flagged = {k for k, f in fields.items() if f["review"]}
    assert {r["key"] for r in review if r["output"] == "good.json"} == flagged


def test_rerun_resumes_and_retries_only_the_failures(batch_run) -> None:
    root, first_out, _ = batch_run
    out = root / "rerun"
    shutil.copytree(first_out, out)
    done = subprocess.run(
        [sys.executable, "-m", "govreport", "extract", str(root / "in"), "-o", str(out),
         "-q"],
        cwd=REPO, capture_output=True, text=True, timeout=1800,
    )
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["skipped"] >= 2  # good.pdf and not_a_report.pdf
    assert "good.json" not in {f["output"] for f in summary["failures"]}
    # die.pdf is retried without the hook and now succeeds
    assert _report(out, "die")["error"] is None
    assert summary["files"] == 10 and done.returncode == 1


def test_timeout_fails_the_file_not_the_batch(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "govreport", "extract", str(_sample_pdf()), "-o", str(out),
         "--timeout", "0.01", "-q"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 1
    error = _report(out, _sample_pdf().stem)["error"]
    assert "took longer than" in error
