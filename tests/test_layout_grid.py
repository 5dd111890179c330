"""Layout on drawn pages: grid, merged cells, empty cells, text lines, orientation."""
from __future__ import annotations


import numpy as np
import pytest

from layout import LayoutSettings, analyse_page, flip_page, link_continuations, orient_page, text_regions
from layout.cells import cell_ink_counts, split_text_lines
from layout.grid import cluster_positions
from layout.merge import merge_slots
from layout.orient import estimate_skew, rotate_quarter
from layout.types import Page, Table
from test_layout_synth import TableSpec, add_noise, add_seal, page_image, px, section3_spec, skew

SETTINGS = LayoutSettings()


def _layout(img: np.ndarray, dpi: float, orient: bool = True):
    page = Page(1, img, dpi)
    if orient:
        page = orient_page(page, SETTINGS.orient, SETTINGS.binarize)
    return page, analyse_page(page, SETTINGS)


def _assert_table(table: Table, spec: TableSpec) -> None:
    assert (table.n_rows, table.n_cols) == (spec.n_rows, spec.n_cols)
    got = {(c.row, c.col, c.row_span, c.col_span) for c in table.cells}
    assert got == spec.cells()
    filled = {(c.row, c.col) for c in table.cells if not c.empty}
    assert filled == spec.filled | spec.dashes
    for c in table.cells:
        assert (c.ink_bbox is None) == (c.text_lines == ())


@pytest.mark.parametrize("dpi", [150, 200, 300])
def test_section3_grid_spans_and_empty_cells(dpi: int) -> None:
    spec = section3_spec()
    small = TableSpec(12, 240, [40, 40, 40, 40], [8, 8], [], {(0, 0), (1, 1)})
    page, found = _layout(page_image(dpi, [spec, small]), dpi)
    assert len(found.tables) == 2
    big, little = found.tables
    _assert_table(big, spec)
    _assert_table(little, small)
    rows_mm, cols_mm = spec.edges_mm()
    tol = px(0.5, dpi)
    assert np.abs(np.array(big.row_edges) - [px(v, dpi) for v in rows_mm]).max() <= tol
    assert np.abs(np.array(big.col_edges) - [px(v, dpi) for v in cols_mm]).max() <= tol
    by_slot = {(c.row, c.col): c for c in big.cells}
    for slot, n in spec.lines_per_cell.items():  # wrapped label text: one box per line
        assert len(by_slot[slot].text_lines) == n
    for slot in spec.dashes:  # a lone "—" is text (null with raw kept), never empty
        assert not by_slot[slot].empty
    for c in big.cells:
        if c.ink_bbox is not None:  # ink boxes inside the cell, off its borders
            x0, y0, x1, y1 = c.ink_bbox
            assert c.bbox[0] < x0 < x1 < c.bbox[2] and c.bbox[1] < y0 < y1 < c.bbox[3]


@pytest.mark.parametrize("angle", [1.5, -1.2])
def test_deskew_recovers_angle_and_grid(angle: float) -> None:
    dpi = 200
    spec = section3_spec()
    page, found = _layout(skew(page_image(dpi, [spec]), -angle), dpi)
    assert page.rotation == 0
    assert page.skew_degrees == pytest.approx(angle, abs=0.1)
    _assert_table(found.tables[0], spec)


def test_quarter_turns_are_fixed_up_to_180() -> None:
    dpi = 150
    spec = section3_spec()
    base = page_image(dpi, [spec])
    page, found = _layout(rotate_quarter(base, 3), dpi)  # turned counter-clockwise
    assert (page.rotation, page.image.shape) == (90, base.shape)
    _assert_table(found.tables[0], spec)
    page, _ = _layout(rotate_quarter(base, 1), dpi)  # clockwise: geometry gives upside down
    assert page.rotation == 90
    flipped = flip_page(page)  # the OCR orientation hook
    assert flipped.rotation == 270
    _assert_table(analyse_page(flipped, SETTINGS).tables[0], spec)


def test_skewed_sideways_page() -> None:
    dpi = 150
    spec = section3_spec()
    page, found = _layout(skew(rotate_quarter(page_image(dpi, [spec]), 3), 0.8), dpi)
    assert page.rotation == 90
    assert page.skew_degrees == pytest.approx(-0.8, abs=0.1)
    _assert_table(found.tables[0], spec)


@pytest.mark.parametrize("dpi", [150, 300])
def test_broken_lines_noise_and_seal(dpi: int) -> None:
    spec = section3_spec()
    _, found = _layout(page_image(dpi, [spec], gaps=1), dpi)
    _assert_table(found.tables[0], spec)
    _, found = _layout(add_noise(page_image(dpi, [spec])), dpi)
    _assert_table(found.tables[0], spec)
    base = page_image(dpi, [spec])
    h, w = base.shape[:2]
    _, found = _layout(add_seal(base, (w * 2 // 3, h // 3), px(21, dpi)), dpi)
    _assert_table(found.tables[0], spec)


def test_text_regions_outside_tables() -> None:
    dpi = 200
    spec = section3_spec()
    page, found = _layout(page_image(dpi, [spec]), dpi, orient=False)
    regions = text_regions(found.mask, found.tables, dpi, SETTINGS.regions)
    assert regions, "title and paragraphs above the table"
    table_top = found.tables[0].bbox[1]
    assert all(y1 <= table_top for _, _, _, y1 in regions)
    assert regions[0][1] == pytest.approx(px(15, dpi), abs=px(1, dpi))  # the title line


def _table(page: int, bbox: tuple[int, int, int, int], cols: tuple[int, ...]) -> Table:
    return Table(page=page, bbox=bbox, row_edges=(bbox[1], bbox[3]), col_edges=cols, cells=())


def test_link_continuations() -> None:
    s = SETTINGS.continuation
    cols = (100, 300, 400, 500, 600)
    a = _table(1, (100, 1500, 600, 2200), cols)
    b = _table(2, (100, 150, 600, 900), cols)
    c = _table(2, (100, 1000, 600, 1200), cols)
    shifted = _table(3, (120, 150, 620, 900), tuple(x + 20 for x in cols))
    out = link_continuations([[a], [c, b], [shifted]], [2339, 2339, 2339], s)
    assert [t.continues_previous for t in out[0]] == [False]
    assert [t.continues_previous for t in out[1]] == [True, False]  # sorted top to bottom
    assert not out[2][0].continues_previous  # page 2's last table ends mid-page (1200 of 2339)
    out = link_continuations([[a], [shifted]], [2339, 2339], s)
    assert out[1][0].continues_previous  # shifted scan: same relative columns
    out = link_continuations([[a], [_table(2, (100, 900, 600, 1200), cols)]], [2339, 2339], s)
    assert not out[1][0].continues_previous  # starts mid-page
    other = _table(2, (100, 150, 600, 900), (100, 200, 600))
    out = link_continuations([[a], [other]], [2339, 2339], s)
    assert not out[1][0].continues_previous  # different columns


def test_cluster_and_merge_helpers() -> None:
    centres = cluster_positions(np.array([10.0, 11.0, 12.0, 50.0, 51.0]), np.ones(5), 3.0)
    assert centres.tolist() == [11, 50]
    # 2x3 grid; no line between (0,0)-(0,1) and none between rows in column 2
    h = np.ones((3, 3), bool)
    h[1, 2] = False
    v = np.ones((2, 4), bool)
    v[0, 1] = False
    cells = merge_slots(h, v)
    assert sorted(map(tuple, cells.tolist())) == [(0, 0, 1, 2), (0, 2, 2, 1), (1, 0, 1, 1), (1, 1, 1, 1)]
    ink = np.zeros((10, 10), np.uint8)
    ink[2:4, 2:5] = 1
    assert cell_ink_counts(ink, np.array([[0, 0, 10, 10], [5, 5, 10, 10], [3, 3, 3, 3]])).tolist() == [6, 0, 0]
    cell = np.zeros((40, 30), np.uint8)
    cell[5:12, 2:20] = 1
    cell[13:14, 2:10] = 1  # a stroke 1 px below: same line
    cell[20:28, 2:25] = 1
    assert split_text_lines(cell, gap_px=3, min_height_px=4) == [(5, 14), (20, 28)]


def test_estimate_skew_on_lines() -> None:
    mask = np.zeros((400, 800), np.uint8)
    for y in range(50, 400, 40):
        mask[y:y + 2, 50:750] = 255
    turned = skew(np.dstack([255 - mask] * 3), -1.0)[:, :, 0]
    assert estimate_skew(255 - turned, 2.0, 0.1) == pytest.approx(1.0, abs=0.05)
