"""The grid and merged cells of a known table, recovered under each damage alone.

A real page of the section 三 matrix (s01's page 2, drawn by the sample
generator) is scanned cleanly and then with one damage of the stress set at a
time (``samples.generate.damage``: faded, broken, perspective, scanner edge),
through the real layout code. The clean scan's grid is the reference: under
faded and broken ruling, where some segments are barely there, most cells
must come back with their spans; under a warp or a scanner edge, all of them.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from layout import LayoutSettings, analyse_page  # noqa: E402
from layout.types import Page, Table  # noqa: E402
from samples.generate.build import render_pages  # noqa: E402
from samples.generate.catalog import s01  # noqa: E402
from samples.generate.damage import Damage, PerspectiveParams  # noqa: E402
from samples.generate.scan import ScanParams  # noqa: E402
from scans import scanned_page  # noqa: E402

SETTINGS = LayoutSettings()
DPI = 200
MATRIX_PAGE = 1  # 0-based: s01's section 三 matrix


@pytest.fixture(scope="module")
def clean_page() -> Image.Image:
    return render_pages(s01()).pages[MATRIX_PAGE]


def _scan(page: Image.Image, kinds: tuple[str, ...], seed: int, skew: float = 0.6,
          damage: Damage | None = None) -> Page:
    params = ScanParams(dpi=DPI, skew_deg=skew, blur_sigma_px=0.5, noise_sigma=4.0, jpeg_quality=60)
    return scanned_page(page, MATRIX_PAGE + 1, params, damage or Damage(kinds=kinds), seed, SETTINGS)


def _matrix(page: Page) -> tuple[Table, Page]:
    found = analyse_page(page, SETTINGS)
    assert found.tables, "no table found"
    return max(found.tables, key=lambda t: len(t.cells)), found.page


def _cells(table: Table) -> set[tuple[int, int, int, int]]:
    return {(c.row, c.col, c.row_span, c.col_span) for c in table.cells}


@pytest.fixture(scope="module")
def reference(clean_page) -> Table:
    table, _ = _matrix(_scan(clean_page, (), seed=1))
    # the 2021 matrix: 3 header rows + 25 result rows drawn as 22 grid rows
    # on this page, 3 label columns + 7 applicant columns
    assert (table.n_rows, table.n_cols) == (22, 10)
    return table


@pytest.mark.parametrize("kind, min_share, min_merged", [("faded", 0.85, 0.7), ("broken", 0.7, 0.4)])
def test_damaged_ruling_keeps_the_grid(clean_page, reference, kind, min_share, min_merged):
    """Faded or broken lines: the grid's rows and columns, and most cells with their spans."""
    table, _ = _matrix(_scan(clean_page, (kind,), seed=7))
    assert (table.n_rows, table.n_cols) == (reference.n_rows, reference.n_cols)
    same = _cells(table) & _cells(reference)
    assert len(same) >= min_share * len(_cells(reference))
    # the merged cells that hold the values' labels come back merged, not split
    # into slots: a real merged cell is never cut by a missed line's stand-in
    merged = {c for c in _cells(reference) if c[2] > 1 or c[3] > 1}
    assert len(merged & same) >= min_merged * len(merged)


def test_perspective_is_rectified(clean_page, reference):
    """A page whose corners moved (lines not parallel) is rectified: every cell is back."""
    # the top corners lean in by the full 2.5 % of the page the stress set allows
    warp = Damage(kinds=("perspective",), perspective=PerspectiveParams(top_lean_fraction=(1.0, 1.0)))
    table, page = _matrix(_scan(clean_page, (), seed=3, skew=0.0, damage=warp))
    assert page.homography is not None
    assert _cells(table) == _cells(reference)


def test_unwarped_page_is_not_rectified(clean_page):
    _, page = _matrix(_scan(clean_page, (), seed=5))
    assert page.homography is None


def test_scanner_edge_is_not_ink(clean_page, reference):
    """A dark lid beyond a rotated paper: no table from the paper edge, every cell back."""
    page = _scan(clean_page, ("scanner_edge",), seed=11, skew=1.5)
    found = analyse_page(page, SETTINGS)
    assert len(found.tables) == 1
    assert _cells(found.tables[0]) == _cells(reference)
    # the lid is gone from the page image the OCR sees
    grey = page.image.mean(axis=2)
    assert np.percentile(grey[:, :20], 5) > 150
