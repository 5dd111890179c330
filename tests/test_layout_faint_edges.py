"""A column line faded to a trace: the grid still finds it from the whole table.

On a real page of section 四 (s01's page 3, drawn by the sample generator,
scanned cleanly) one inner column line is faded to a faint grey with gaps of
paper, as toner running out leaves it: too faint for the ink mask, too
broken to chain into a segment. The line segments alone then lose that
column (the cells on both sides come out as one); summed down the table
its darkness still stands out (``layout.faint_edges``), and the grid keeps
the column with every cell on both sides.
"""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from layout import LayoutSettings, analyse_page  # noqa: E402
from layout.faint_edges import profile_peaks  # noqa: E402
from layout.settings import mm_to_px  # noqa: E402
from layout.types import Page, Table  # noqa: E402
from samples.generate.build import render_pages  # noqa: E402
from samples.generate.catalog import s01  # noqa: E402
from samples.generate.damage import Damage  # noqa: E402
from samples.generate.scan import ScanParams  # noqa: E402
from scans import scanned_page  # noqa: E402

SETTINGS = LayoutSettings()
WITHOUT = SETTINGS.model_copy(update={"grid": SETTINGS.grid.model_copy(update={"faint_edges": False})})
DPI = 200


@pytest.fixture(scope="module")
def page() -> Page:
    params = ScanParams(dpi=DPI, skew_deg=0.0, blur_sigma_px=0.5, noise_sigma=3.0, jpeg_quality=80)
    return scanned_page(render_pages(s01()).pages[2], 3, params, Damage(), 5, SETTINGS)


def _appeals(page: Page, settings: LayoutSettings) -> Table:
    return max(analyse_page(page, settings).tables, key=lambda t: t.n_cols)


def _fade_column(image: np.ndarray, x: int, y0: int, y1: int, keep: float, rng: np.random.Generator) -> None:
    """Fade the vertical line at `x` to `keep` of its darkness, with gaps of paper."""
    band = round(mm_to_px(0.6, DPI))
    strip = image[y0:y1, x - band:x + band + 1].astype(np.float32)
    paper = float(np.percentile(image[y0:y1, x - 6 * band:x + 6 * band], 90))
    faded = paper - keep * (paper - strip)
    gap = round(mm_to_px(3.0, DPI))
    for start in rng.choice(np.arange(0, y1 - y0 - gap), size=max(1, (y1 - y0) // (4 * gap)), replace=False):
        faded[start:start + gap] = paper
    image[y0:y1, x - band:x + band + 1] = np.clip(faded, 0, 255).astype(np.uint8)


def test_profile_peaks_are_local_maxima_above_the_floor():
    profile = np.array([0.0, 1.0, 5.0, 5.0, 1.0, 0.0, 3.0, 0.0, 9.0, 8.0])
    assert profile_peaks(profile, 2.5, 1).tolist() == [2, 6, 8]
    assert profile_peaks(profile, 2.5, 2).tolist() == [2, 8]  # 6 lies within 2 of the 9
    assert profile_peaks(np.zeros(0), 1.0, 1).size == 0


def test_a_column_line_faded_to_a_trace_is_still_a_grid_edge(page):
    table = _appeals(page, SETTINGS)
    assert table.n_cols == 15
    c = 7  # between two value columns of 行政诉讼 (未经复议直接起诉)
    x = table.col_edges[c]
    by_slot = {(cell.row, cell.col): cell for cell in table.cells}
    value_row = table.n_rows - 1
    assert not by_slot[(value_row, c - 1)].empty and not by_slot[(value_row, c)].empty
    image = page.image.copy()
    # below the 未经复议直接起诉 header, where this line starts
    top = table.row_edges[2] + round(mm_to_px(0.8, DPI))
    _fade_column(image, x, top, table.row_edges[-1] - round(mm_to_px(0.8, DPI)), 0.2,
                 np.random.default_rng(7))
    faded = replace(page, image=image)

    lost = _appeals(faded, WITHOUT)
    assert lost.n_cols == 14, "the faded line must be lost to the line segments alone"

    found = _appeals(faded, SETTINGS)
    assert found.n_cols == 15
    assert np.abs(np.subtract(found.col_edges, table.col_edges)).max() <= 2
    cells = {(cell.row, cell.col): cell for cell in found.cells}
    for row in range(2, found.n_rows):
        left, right = cells[(row, c - 1)], cells[(row, c)]
        assert (left.col_span, right.col_span) == (1, 1)
    assert not cells[(value_row, c - 1)].empty and not cells[(value_row, c)].empty


def test_a_grid_repeating_part_of_another_is_dropped():
    from layout.grid import GridSpec, drop_repeated_grids

    def spec(rows, cols):
        rows, cols = np.array(rows), np.array(cols)
        return GridSpec(rows, cols, np.ones((len(rows), len(cols) - 1), bool),
                        np.ones((len(rows) - 1, len(cols)), bool))

    whole = spec([100, 180, 260, 340, 420], [50, 300, 500, 700])
    part = spec([262, 338, 421], [52, 299, 501, 698])  # its lower rows again, found apart
    coarser = spec([100, 420], [50, 700])  # every edge of it is one of `whole`'s
    beside = spec([500, 580, 660], [50, 300, 500, 700])
    finer = spec([262, 300, 338, 421], [52, 299, 501, 698])  # an edge `whole` lacks: kept

    def ids(grids):
        return [id(g) for g in grids]

    assert ids(drop_repeated_grids([whole, part, beside, finer], 5)) == ids([whole, beside, finer])
    assert ids(drop_repeated_grids([coarser, whole], 5)) == ids([whole])
    twin = spec(list(whole.row_edges), list(whole.col_edges))
    assert ids(drop_repeated_grids([whole, twin], 5)) == ids([whole])  # of two alike the first stays
