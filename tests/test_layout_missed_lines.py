"""A ruling line gone without a trace: its cells' texts still come apart.

On a real page of the section 三 matrix (s01's page 2, drawn by the sample
generator, scanned cleanly), the two segments between four value cells are
painted out, so no line test can find them: the four cells become one merged
cell two rows high (``layout.alignment`` restores one-row cells only). Its
text must still come as four pieces, one in each slot, for mapping to place
(``mapping.grid.Grid.in_slot``). A stray broken line left on the page must
not be text either.
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
from layout.settings import mm_to_px  # noqa: E402
from layout.cells import text_ink  # noqa: E402
from layout.grid import GridSpec  # noqa: E402
from layout.types import Page, Table  # noqa: E402
from samples.generate.build import render_pages  # noqa: E402
from samples.generate.catalog import s01  # noqa: E402
from samples.generate.damage import Damage  # noqa: E402
from samples.generate.scan import ScanParams  # noqa: E402
from scans import scanned_page  # noqa: E402

SETTINGS = LayoutSettings()
DPI = 200


@pytest.fixture(scope="module")
def page() -> Page:
    params = ScanParams(dpi=DPI, skew_deg=0.0, blur_sigma_px=0.5, noise_sigma=3.0, jpeg_quality=80)
    return scanned_page(render_pages(s01()).pages[1], 2, params, Damage(), 2, SETTINGS)


def _matrix(page: Page) -> Table:
    return max(analyse_page(page, SETTINGS).tables, key=lambda t: len(t.cells))


def _paint_out(image: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> None:
    image[y0:y1, x0:x1] = np.median(image[y0:y1, x0:x1].reshape(-1, 3), axis=0)  # paper, not white


def test_cells_joined_by_a_vanished_line_keep_one_piece_per_slot(page):
    table = _matrix(page)
    rows, cols = table.row_edges, table.col_edges
    r, c = 4, 4  # value cells: rows 一/二 (new, carried over) × 自然人/商业企业 on this page
    by_slot = {(x.row, x.col): x for x in table.cells}
    assert all(not by_slot[(r + i, c + j)].empty for i in (0, 1) for j in (0, 1))
    image = page.image.copy()
    band = round(mm_to_px(0.6, DPI))
    keep = round(mm_to_px(1.2, DPI))  # the crossing lines stay
    _paint_out(image, cols[c + 1] - band, rows[r] + keep, cols[c + 1] + band, rows[r + 2] - keep)
    _paint_out(image, cols[c] + keep, rows[r + 1] - band, cols[c + 2] - keep, rows[r + 1] + band)
    damaged = _matrix(replace(page, image=image))
    # the other lines still give every grid edge (within a pixel or two)
    assert (damaged.n_rows, damaged.n_cols) == (table.n_rows, table.n_cols)
    assert np.abs(np.subtract(damaged.row_edges, rows)).max() <= 2
    assert np.abs(np.subtract(damaged.col_edges, cols)).max() <= 2
    joined = next(x for x in damaged.cells if (x.row, x.col) == (r, c))
    assert (joined.row_span, joined.col_span) == (2, 2)
    slots = set()
    for x0, y0, x1, y1 in joined.text_lines:
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        slot = (int(np.searchsorted(damaged.row_edges, my)) - 1, int(np.searchsorted(damaged.col_edges, mx)) - 1)
        slots.add(slot)
    assert len(joined.text_lines) == 4
    assert slots == {(r + i, c + j) for i in (0, 1) for j in (0, 1)}


def test_a_long_line_remnant_off_the_grid_is_not_text():
    """What is left of a line the grid lost (a line-like piece longer than
    any character, off every grid edge) is cleared from the text ink; the
    text beside it and a short stroke that only looks like a line stay."""
    dpi = 200.0
    mm = mm_to_px(1.0, dpi)
    rows, cols = np.array([0, round(60 * mm)]), np.array([0, round(40 * mm)])
    spec = GridSpec(rows, cols, np.ones((2, 1), bool), np.ones((1, 2), bool))
    mask = np.zeros((rows[-1] + 1, cols[-1] + 1), np.uint8)
    v_pieces = np.zeros_like(mask)
    x = round(15 * mm)
    mask[round(5 * mm):round(55 * mm), x:x + 2] = 255            # the lost line's remnant, 50 mm
    v_pieces[round(5 * mm):round(55 * mm), x:x + 2] = 255
    mask[round(20 * mm):round(23.5 * mm), round(25 * mm):round(26 * mm)] = 255  # a "1", 3.5 mm
    v_pieces[round(20 * mm):round(23.5 * mm), round(25 * mm):round(26 * mm)] = 255
    mask[round(30 * mm):round(33 * mm), round(20 * mm):round(30 * mm)] = 255    # text
    ink, _ = text_ink(mask, spec, dpi, SETTINGS.grid, (np.zeros_like(mask), v_pieces))
    assert not ink[:, x:x + 2].any()
    assert ink[round(21 * mm), round(25.5 * mm)] and ink[round(31 * mm), round(22 * mm)]
    kept, _ = text_ink(mask, spec, dpi, SETTINGS.grid)  # without the pieces: all of it is text
    assert kept[:, x:x + 2].any()


def _header_and_value_row():
    """A 40 mm table at 200 dpi: a 30 mm header row over a 7 mm value row,
    a long vertical piece at x = 20 mm in the header (ink and line piece).
    Returns (dpi, px per mm, spec, mask, v_pieces, x)."""
    dpi = 200.0
    mm = mm_to_px(1.0, dpi)
    rows, cols = np.array([0, round(30 * mm), round(37 * mm)]), np.array([0, round(40 * mm)])
    spec = GridSpec(rows, cols, np.ones((3, 1), bool), np.ones((2, 2), bool))
    mask = np.zeros((rows[-1] + 1, cols[-1] + 1), np.uint8)
    v_pieces = np.zeros_like(mask)
    x = round(20 * mm)
    mask[round(2 * mm):round(14 * mm), x:x + 2] = 255  # 12 mm
    v_pieces[round(2 * mm):round(14 * mm), x:x + 2] = 255
    return dpi, mm, spec, mask, v_pieces, x


def test_a_stub_of_a_lost_column_line_between_two_numbers_is_not_text():
    """A column line the grid lost leaves a long piece in the header and a
    stub between two numbers of the value row ("3 ¦ 0" read "310"): the stub,
    on the same line, is cleared; a "1" of a number beside it stays."""
    dpi, mm, spec, mask, v_pieces, x = _header_and_value_row()  # the lost line in the header
    stub = (slice(round(31.5 * mm), round(34 * mm)), slice(x - 1, x + 3))  # 2.5 mm, in the value row
    mask[stub] = 255
    v_pieces[stub[0], x:x + 2] = 255  # the piece is thinner than the blurred stroke
    one = (slice(round(31 * mm), round(34 * mm)), slice(round(26 * mm), round(26.5 * mm)))  # a "1"
    mask[one] = 255
    v_pieces[one] = 255
    mask[round(31 * mm):round(34 * mm), round(9 * mm):round(11 * mm)] = 255  # a "3" left of the stub
    ink, _ = text_ink(mask, spec, dpi, SETTINGS.grid, (np.zeros_like(mask), v_pieces))
    assert not ink[stub].any()
    assert ink[one].any() and ink[round(32 * mm), round(10 * mm)]


def test_a_digit_under_a_chain_of_strokes_through_stacked_characters_stays():
    """A header set one character a line can leave a long vertical chain of
    strokes (ink beside it all along): no line, so a "1" of the value centred
    under that header column is text, not a stub."""
    dpi, mm, spec, mask, v_pieces, x = _header_and_value_row()  # the chain of strokes
    for k in range(2, 14, 3):  # the other strokes of the characters beside it
        mask[round(k * mm):round((k + 2) * mm), x - round(1.5 * mm):x - round(0.5 * mm)] = 255
        mask[round(k * mm):round((k + 2) * mm), x + round(0.6 * mm):x + round(1.6 * mm)] = 255
    one = (slice(round(31.5 * mm), round(34 * mm)), slice(x, x + 2))  # a "1" under it
    mask[one] = 255
    v_pieces[one] = 255
    ink, _ = text_ink(mask, spec, dpi, SETTINGS.grid, (np.zeros_like(mask), v_pieces))
    assert ink[one].any()
