"""A small rotation (any real scan has one) must not change the grid.

The same page, rotated by ±0.1° and ±0.3° and then oriented/deskewed by the
layout stage, must give the same tables (rows, columns, merged cells, empty
cells) as the unrotated page; and the skew estimate of a level page must be
0 whatever the search range.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from layout import LayoutSettings, analyse_page, open_document, orient_page
from layout.orient import analysis_mask, estimate_skew, rotate_degrees
from layout.types import Page
from test_layout_synth import page_image, section3_spec

SETTINGS = LayoutSettings()
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
ANGLES = [0.1, -0.1, 0.3, -0.3]


def _grid(page: Page) -> list[tuple]:
    page = orient_page(page, SETTINGS.orient, SETTINGS.binarize)
    return [(t.n_rows, t.n_cols,
             sorted((c.row, c.col, c.row_span, c.col_span, c.empty) for c in t.cells))
            for t in analyse_page(page, SETTINGS).tables]


def _rotated(page: Page, angle: float) -> Page:
    return dataclasses.replace(page, image=rotate_degrees(page.image, angle))


@pytest.fixture(scope="module")
def drawn_page() -> Page:
    return Page(1, page_image(200, [section3_spec()]), 200)


@pytest.fixture(scope="module")
def s13_page2() -> Page:
    path = SAMPLES / "s13_faded_lines_2021.pdf"
    if not path.exists():
        pytest.skip("s13 not generated")
    with open_document(path, SETTINGS.raster) as doc:
        for raw in doc:
            if raw.number == 2:
                return raw
    pytest.skip("s13 has no page 2")


@pytest.fixture(scope="module")
def drawn_grid(drawn_page: Page) -> list[tuple]:
    grid = _grid(drawn_page)
    assert len(grid) == 1
    return grid


@pytest.fixture(scope="module")
def s13_grid(s13_page2: Page) -> list[tuple]:
    grid = _grid(s13_page2)
    assert grid and max(g[0] for g in grid) >= 15
    return grid


@pytest.mark.parametrize("angle", ANGLES)
def test_drawn_table_survives_small_rotation(drawn_page: Page, drawn_grid: list, angle: float) -> None:
    assert _grid(_rotated(drawn_page, angle)) == drawn_grid


@pytest.mark.parametrize("angle", ANGLES)
def test_faded_sample_page_survives_small_rotation(s13_page2: Page, s13_grid: list, angle: float) -> None:
    assert _grid(_rotated(s13_page2, angle)) == s13_grid


def test_level_page_skew_is_zero_for_any_range(s13_page2: Page) -> None:
    mask, _ = analysis_mask(s13_page2.image, s13_page2.dpi, SETTINGS.orient.analysis_dpi,
                            SETTINGS.binarize)
    for max_degrees in (1.0, 2.0, 3.0, 4.0, 5.5):
        assert estimate_skew(mask, max_degrees, 0.1) == pytest.approx(0.0, abs=0.011)


def test_level_lines_skew_is_zero_for_any_range() -> None:
    mask = np.zeros((400, 801), np.uint8)
    for y in range(50, 400, 40):
        mask[y:y + 2, 50:750] = 255
    for max_degrees in (1.0, 2.0, 2.5, 4.0, 7.3):
        assert estimate_skew(mask, max_degrees, 0.1) == 0.0
