"""The batch machinery: which inputs make which reports, output names,
atomic writes, thread budget, resume by hash, a file that vanishes mid-batch."""
from __future__ import annotations

import json
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from govreport import batch
from govreport.batch import BatchOptions, InputsError, Unit, find_units, name_units, run_batch


def _touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _paths(units: list[Unit], root: Path) -> list[str]:
    return [u.path.relative_to(root).as_posix() for u in units]


# --------------------------------------------------------------------------
# Inputs


def test_folder_of_images_is_one_report_and_pdfs_are_many(tmp_path: Path) -> None:
    _touch(tmp_path / "archive" / "b.pdf")
    _touch(tmp_path / "archive" / "a.pdf")
    _touch(tmp_path / "archive" / "notes.txt")
    _touch(tmp_path / "archive" / ".hidden.pdf")
    _touch(tmp_path / "archive" / "scan" / "p2.png")
    _touch(tmp_path / "archive" / "scan" / "p1.jpg")
    _touch(tmp_path / "archive" / "mixed" / "r.pdf")
    _touch(tmp_path / "archive" / "mixed" / "photo.tif")
    _touch(tmp_path / "archive" / ".cache" / "x.pdf")
    units = find_units([str(tmp_path / "archive")])
    assert _paths(units, tmp_path) == [
        "archive/a.pdf", "archive/b.pdf", "archive/mixed/photo.tif", "archive/mixed/r.pdf",
        "archive/scan",
    ]
    assert [u.name for u in units] == ["a", "b", "photo", "r", "scan"]


def test_globs_and_explicit_files_are_separate_reports(tmp_path: Path) -> None:
    _touch(tmp_path / "pages" / "p1.png")
    _touch(tmp_path / "pages" / "p2.png")
    _touch(tmp_path / "pages" / "readme.md")
    _touch(tmp_path / "odd.txt")
    units = find_units([str(tmp_path / "pages" / "*"), str(tmp_path / "odd.txt"),
                        str(tmp_path / "pages" / "p1.png")])
    # the glob keeps supported files only; a file named explicitly is always taken
    # (it gets an error output if it is no report); each path counts once
    assert _paths(units, tmp_path) == ["pages/p1.png", "pages/p2.png", "odd.txt"]


def test_missing_input_or_nothing_found_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(InputsError, match="no such file or folder"):
        find_units([str(tmp_path / "nope.pdf")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputsError, match="no inputs found"):
        find_units([str(tmp_path / "empty"), str(tmp_path / "*.pdf")])


def test_clashing_stems_get_deterministic_distinct_names(tmp_path: Path) -> None:
    paths = [
        _touch(tmp_path / "2021" / "report.pdf"),
        _touch(tmp_path / "2022" / "report.pdf"),
        _touch(tmp_path / "2022" / "REPORT.png"),
        _touch(tmp_path / "x" / "summary.pdf"),
        _touch(tmp_path / "x" / "unique.pdf"),
    ]
    names = [u.name for u in name_units(paths)]
    assert names[0] == "2021__report"
    assert names[3] == "x__summary"  # never overwrites the batch's summary.json
    assert names[4] == "unique"
    # same folder, same stem: parent__stem still clashes, so a path hash decides
    assert names[1].startswith("report-") and names[2].startswith("REPORT-")
    assert len({n.casefold() for n in names}) == len(names)
    # a path's name does not depend on the order of the inputs
    assert [u.name for u in name_units(paths[::-1])] == names[::-1]


# --------------------------------------------------------------------------
# Files and budget


def test_write_atomic_replaces_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    batch.write_atomic(target, b"old")
    batch.write_atomic(target, "新".encode())
    assert target.read_text(encoding="utf-8") == "新"
    assert os.listdir(tmp_path) == ["r.json"]


def test_unwritable_output_folder_is_a_usage_error(tmp_path: Path) -> None:
    blocker = _touch(tmp_path / "file")
    with pytest.raises(InputsError, match="cannot write to the output folder"):
        batch.check_out_dir(blocker / "out")


@pytest.mark.parametrize("jobs, cores, threads", [(1, 2, 2), (2, 2, 1), (3, 2, 1), (2, 8, 4)])
def test_threads_times_jobs_never_exceed_cores(jobs: int, cores: int, threads: int) -> None:
    assert batch.threads_per_job(jobs, cores) == threads


# --------------------------------------------------------------------------
# With the real pipeline


def _page_image(path: Path, text: str = "Meeting notes 2021") -> Path:
    """A small page image: white with a few words (no report table)."""
    image = np.full((600, 800, 3), 255, np.uint8)
    cv2.putText(image, text, (60, 120), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (0, 0, 0), 3)
    cv2.imwrite(str(path), image)
    return path


def test_file_deleted_between_listing_and_processing(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    gone = _page_image(src / "gone.png")
    kept = _page_image(src / "kept.jpg")
    units = find_units([str(gone), str(kept)])
    gone.unlink()
    out = tmp_path / "out"
    summary = run_batch(units, BatchOptions(out_dir=out, jobs=1, quiet=True))
    assert summary.exit_code == 1
    assert (summary.count("failed"), summary.count("extracted")) == (1, 1)
    error = json.loads((out / "gone.json").read_text(encoding="utf-8"))["error"]
    assert error and ("no such file" in error or "not found" in error)
    assert json.loads((out / "kept.json").read_text(encoding="utf-8"))["error"] is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_file_made_unreadable_before_processing(tmp_path: Path) -> None:
    locked = _page_image(tmp_path / "locked.png")
    units = find_units([str(locked)])
    locked.chmod(0)
    summary = run_batch(units, BatchOptions(out_dir=tmp_path / "out", jobs=1, quiet=True))
    assert summary.exit_code == 1
    assert summary.results[0].error


def test_rerun_skips_same_source_and_redoes_changed_or_forced(tmp_path: Path) -> None:
    page = _page_image(tmp_path / "page.png")
    out = tmp_path / "out"
    options = BatchOptions(out_dir=out, jobs=1, quiet=True)
    units = find_units([str(page)])
    assert run_batch(units, options).count("extracted") == 1
    first = (out / "page.json").stat().st_mtime_ns
    again = run_batch(units, options)
    assert (again.count("skipped"), again.exit_code) == (1, 0)
    assert (out / "page.json").stat().st_mtime_ns == first
    forced = run_batch(units, BatchOptions(out_dir=out, jobs=1, quiet=True, force=True))
    assert forced.count("extracted") == 1
    # the same name for another source is not "done"
    _page_image(page, "Another page")
    assert run_batch(units, options).count("extracted") == 1
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["files"] == 1


def test_output_and_debug_folders_inside_an_input_are_not_walked(tmp_path: Path) -> None:
    _touch(tmp_path / "scans" / "r.pdf")
    _touch(tmp_path / "scans" / "out" / "x.pdf")
    _touch(tmp_path / "scans" / "debug" / "r" / "page1.png")
    units = find_units([str(tmp_path / "scans")],
                       exclude=[tmp_path / "scans" / "out", tmp_path / "scans" / "debug"])
    assert _paths(units, tmp_path) == ["scans/r.pdf"]


def test_folder_of_page_images_becomes_one_report(tmp_path: Path) -> None:
    pages = tmp_path / "scan"
    pages.mkdir()
    _page_image(pages / "p1.png", "Page one")
    _page_image(pages / "p2.png", "Page two")
    out = tmp_path / "out"
    summary = run_batch(find_units([str(pages)]), BatchOptions(out_dir=out, jobs=2, quiet=True))
    assert (len(summary.results), summary.jobs) == (1, 1)  # never more workers than reports
    report = json.loads((out / "scan.json").read_text(encoding="utf-8"))
    assert report["error"] is None
    assert report["source"]["pages"] == 2
