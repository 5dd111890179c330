"""Layout on drawn pages with the degradations of the hard samples.

- faded gray ruling beside dense text, uneven light, JPEG quality 25;
- a red seal printed over a header with merged cells and gray ruling;
- a continued table whose left frame line meets no horizontal line;
- parts of a continued table sharing their column edges.
"""
from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest

from layout import LayoutSettings, analyse_page, link_continuations
from layout.tables import adopt_columns
from layout.types import Cell, Page, Table
from test_layout_synth import TableSpec, draw_table, draw_text_line, page_image, px, section3_spec

SETTINGS = LayoutSettings()


def _cells(table: Table) -> set[tuple[int, int, int, int]]:
    return {(c.row, c.col, c.row_span, c.col_span) for c in table.cells}


def _line_only(spec: TableSpec, dpi: float, shape: tuple[int, ...]) -> np.ndarray:
    """True where `spec`'s ruling is drawn (no text)."""
    blank = TableSpec(spec.left_mm, spec.top_mm, spec.col_widths_mm, spec.row_heights_mm, spec.merges)
    img = np.full(shape, 255, np.uint8)
    draw_table(img, blank, dpi, np.random.default_rng(0))
    return img[:, :, 0] < 128


def _jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def _dense_header_spec() -> TableSpec:
    """section3_spec with every header cell full of text (dense ink around faint lines)."""
    spec = section3_spec()
    spec.filled |= {(1, c) for c in range(5, 9)} | {(2, c) for c in range(4, 9)}
    spec.lines_per_cell.update({(1, 3): 2, (1, 9): 2, (0, 3): 1})
    return spec


@pytest.mark.parametrize("dpi", [150, 200])
def test_faded_lines_beside_dense_text_and_jpeg(dpi: int) -> None:
    spec = _dense_header_spec()
    img = page_image(dpi, [spec], line_mm=0.15)
    lines = _line_only(spec, dpi, img.shape)
    rng = np.random.default_rng(3)
    # faded gray ruling whose level varies from piece to piece, as printed by a worn toner
    grey = np.repeat(rng.integers(150, 185, size=img.shape[0] // 16 + 1), 16)[:img.shape[0]]
    faded = img.astype(np.float32)
    faded[lines] = grey[np.nonzero(lines)[0], None]
    faded *= np.linspace(0.8, 1.0, img.shape[1], dtype=np.float32)[None, :, None]  # uneven light
    faded += rng.normal(0, 2.0, img.shape[:2])[..., None]
    img = _jpeg(np.clip(faded, 0, 255).astype(np.uint8), 25)
    table = analyse_page(Page(1, img, dpi), SETTINGS).tables[0]
    assert (table.n_rows, table.n_cols) == (spec.n_rows, spec.n_cols)
    got = _cells(table)
    header = {(0, 0, 3, 3), (0, 3, 1, 7), (1, 3, 2, 1), (1, 4, 1, 5), (1, 9, 2, 1)}
    assert header <= got  # the merged header, with the faint lines inside it found
    assert got == spec.cells()


def _seal(img: np.ndarray, centre: tuple[int, int], radius: int, opacity: float = 0.8) -> np.ndarray:
    """A red seal blended like ink over the page: min(page, seal colour), at `opacity`."""
    mask = np.zeros(img.shape[:2], np.uint8)
    cv2.circle(mask, centre, radius, 255, max(2, radius // 12))
    cv2.circle(mask, centre, radius // 3, 255, -1)
    for k in range(-2, 3):
        y = centre[1] + k * radius // 4
        cv2.line(mask, (centre[0] - radius // 2, y), (centre[0] + radius // 2, y), 255, max(2, radius // 25))
    a = mask.astype(np.float32)[..., None] / 255.0 * opacity
    page = img.astype(np.float32)
    seal = np.minimum(page, np.array([45, 35, 205], np.float32))  # BGR of seal red
    return (page * (1 - a) + seal * a).astype(np.uint8)


@pytest.mark.parametrize("dpi", [150, 200])
def test_red_seal_over_gray_ruled_header(dpi: int) -> None:
    spec = section3_spec()
    img = page_image(dpi, [spec])
    lines = _line_only(spec, dpi, img.shape)
    img[lines] = 110  # gray ruling (thin lines of a scan); a seal used to erase it
    rows_mm, cols_mm = spec.edges_mm()
    centre = (px(cols_mm[6], dpi), px(rows_mm[2], dpi))  # over the 法人或其他组织 header
    img = _jpeg(_seal(img, centre, px(21, dpi)), 65)
    table = analyse_page(Page(1, img, dpi), SETTINGS).tables[0]
    assert (table.n_rows, table.n_cols) == (spec.n_rows, spec.n_cols)
    got = _cells(table)
    assert {(0, 3, 1, 7), (1, 4, 1, 5)} <= got
    assert {(2, c, 1, 1) for c in range(4, 9)} <= got
    assert got == spec.cells()


@pytest.mark.parametrize("dpi", [150, 200])
def test_left_frame_line_touching_no_horizontal_line(dpi: int) -> None:
    # page 2 of a three-page matrix: column 0 (三、本年度办理结果) runs on from the page
    # before and on to the next, so no horizontal line reaches the left frame line
    spec = TableSpec(32.0, 40.0, [22.0, 30.0] + [14.0] * 7, [8.0] * 12, [(0, 0, 12, 1)],
                     {(r, c) for r in range(12) for c in range(1, 9)})
    img = page_image(dpi, [spec], paragraphs=0, title=False)
    rows_mm, _ = spec.edges_mm()
    frame_x = px(spec.left_mm - 14.0, dpi)
    cv2.line(img, (frame_x, px(rows_mm[0], dpi)), (frame_x, px(rows_mm[-1], dpi)), (0, 0, 0),
             max(1, px(0.5, dpi)))
    table = analyse_page(Page(1, img, dpi), SETTINGS).tables[0]
    assert (table.n_rows, table.n_cols) == (12, 10)
    assert abs(table.bbox[0] - frame_x) <= px(0.5, dpi)
    frame_col = [c for c in table.cells if c.col == 0]
    assert len(frame_col) == 1 and frame_col[0].row_span == 12 and frame_col[0].empty
    shifted = {(r, c + 1, rs, cs) for r, c, rs, cs in spec.cells()}
    assert _cells(table) - {(0, 0, 12, 1)} == shifted


def test_lone_line_far_from_a_table_is_not_its_frame() -> None:
    dpi = 150
    spec = TableSpec(60.0, 40.0, [30.0] * 4, [8.0] * 6, [], {(0, 0)})
    img = page_image(dpi, [spec], paragraphs=0, title=False)
    rows_mm, _ = spec.edges_mm()
    x = px(spec.left_mm - 50.0, dpi)  # farther than frame_gap_mm
    cv2.line(img, (x, px(rows_mm[0], dpi)), (x, px(rows_mm[-1], dpi)), (0, 0, 0), 1)
    short = px(spec.left_mm + 4 * 30.0 + 5.0, dpi)  # beside it, but far shorter than the side
    cv2.line(img, (short, px(rows_mm[0], dpi)), (short, px(rows_mm[2], dpi)), (0, 0, 0), 1)
    table = analyse_page(Page(1, img, dpi), SETTINGS).tables[0]
    assert (table.n_rows, table.n_cols) == (6, 4)


def _grid_table(page: int, bbox: tuple[int, int, int, int], cols: tuple[int, ...],
                spans: list[tuple[int, int, int, int]]) -> Table:
    rows = (bbox[1], bbox[3])
    cells = tuple(Cell(r, c, rs, cs, (cols[c], rows[0], cols[c + cs], rows[1]), None)
                  for r, c, rs, cs in spans)
    return Table(page=page, bbox=bbox, row_edges=rows, col_edges=cols, cells=cells)


def test_continued_parts_share_column_edges() -> None:
    s = SETTINGS.continuation
    full = (100, 200, 300, 500, 600, 700)
    a = _grid_table(1, (100, 1500, 700, 2200), full, [(0, 0, 1, 1), (0, 1, 1, 1), (0, 2, 1, 1),
                                                      (0, 3, 1, 1), (0, 4, 1, 1)])
    lacking = (100, 200, 500, 600, 700)  # the 300 edge: every cell of this part spans it
    b = _grid_table(2, (100, 150, 700, 900), lacking, [(0, 0, 1, 2), (0, 2, 1, 1), (0, 3, 1, 1)])
    out = link_continuations([[a], [b]], [2339, 2339], s)
    got = out[1][0]
    assert got.continues_previous and got.col_edges == full
    assert _cells(got) == {(0, 0, 1, 3), (0, 3, 1, 1), (0, 4, 1, 1)}
    assert [c.bbox for c in got.cells] == [c.bbox for c in b.cells]
    # backward too: the first part takes an edge only its continuation has
    first = dataclasses.replace(b, page=1, bbox=(100, 1500, 700, 2200))
    out = link_continuations([[first], [dataclasses.replace(a, page=2, bbox=(100, 150, 700, 900))]],
                             [2339, 2339], s)
    assert out[0][0].col_edges == full and out[1][0].col_edges == full
    # different columns: left alone
    other = _grid_table(2, (100, 150, 700, 900), (100, 400, 700), [(0, 0, 1, 1), (0, 1, 1, 1)])
    assert adopt_columns(other, a, s.column_tolerance) is other



def test_last_row_of_a_table_above_a_heading_is_not_the_next_tables_frame() -> None:
    # section 三 ends at the top of a page with its one last row (too low for
    # vertical segments of its own); the heading of section 四 and its table
    # follow: the row's lines must not become the frame of the table below
    dpi = 200
    last_row = TableSpec(15.0, 20.0, [60.0] + [18.0] * 7, [5.5], [], {(0, c) for c in range(8)})
    below = TableSpec(15.0, 45.0, [12.4] * 15, [6.0, 6.0, 25.0, 7.0], [(0, 0, 1, 5), (0, 5, 1, 10)],
                      {(3, c) for c in range(15)} | {(0, 0), (0, 5)})
    img = page_image(dpi, [last_row, below], paragraphs=0, title=False)
    draw_text_line(img, px(30.0, dpi), px(33.0, dpi), 20, dpi, np.random.default_rng(3), char_mm=5.0)
    tables = analyse_page(Page(1, img, dpi), SETTINGS).tables
    appeals = max(tables, key=lambda t: t.n_cols)
    rows_mm, _ = below.edges_mm()
    assert abs(appeals.bbox[1] - px(rows_mm[0], dpi)) <= px(0.5, dpi)
    assert appeals.n_rows == below.n_rows



def test_dashes_left_of_a_missed_line_do_not_join_the_texts_beside_them() -> None:
    # two value cells of one row whose line between them is gone but for
    # short dashes (too short for line pieces: 28 ¦ 11 read as 2811): the
    # dashes wholly inside the line's band go, the texts stay; a merged cell
    # holding one centred text over the band keeps it, specks beside it or not
    from layout.cells import clear_missed_line_remains
    rows, cols = np.array([0, 40, 80]), np.array([0, 60, 120])
    v_present = np.array([[True, False, True], [True, False, True]])
    ink = np.zeros((80, 120), np.uint8)
    ink[10:30, 20:45] = 1  # "28"
    ink[10:30, 72:100] = 1  # "11"
    ink[12:18, 59:61] = 1  # dashes of the missed line
    ink[24:29, 60:62] = 1
    ink[50:70, 56:58] = 1  # row 1: "11" centred over the band, specks beside it
    ink[50:70, 61:63] = 1
    ink[60:62, 20:22] = 1
    ink[55:57, 100:102] = 1
    before = ink.copy()
    clear_missed_line_remains(ink, rows, cols, v_present, clear=4, min_text_px=10)
    assert not ink[10:30, 55:65].any()
    assert (ink[10:30, 20:45] == 1).all() and (ink[10:30, 72:100] == 1).all()
    assert (ink[40:] == before[40:]).all()


@pytest.mark.parametrize("dpi", [150, 300])
def test_one_row_table_carried_onto_the_next_page(dpi: int) -> None:
    """The last row of a matrix alone at the top of a page: its vertical borders
    (6 mm) are shorter than any line segment, yet it is a table of one row
    with its columns; two rules with only text between them are none."""
    row = TableSpec(12.0, 30.0, [60.0] + [16.0] * 7, [6.0], filled={(0, c) for c in range(8)})
    img = page_image(dpi, [row], title=False, paragraphs=0)
    # two rules 6 mm apart with a line of text between them and no verticals
    y0, y1, x0, x1 = px(80, dpi), px(86, dpi), px(20, dpi), px(180, dpi)
    cv2.line(img, (x0, y0), (x1, y0), (0, 0, 0), max(1, px(0.3, dpi)))
    cv2.line(img, (x0, y1), (x1, y1), (0, 0, 0), max(1, px(0.3, dpi)))
    draw_text_line(img, px(25, dpi), (y0 + y1) // 2 - px(1.6, dpi), 30, dpi, np.random.default_rng(1))
    tables = analyse_page(Page(1, img, dpi), SETTINGS).tables
    assert [(t.n_rows, t.n_cols) for t in tables] == [(1, 8)]
    assert _cells(tables[0]) == row.cells()


def _erase(img: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> None:
    img[y0:y1, x0:x1] = 255  # paper


@pytest.mark.parametrize("dpi", [150, 200])
def test_label_columns_whose_row_lines_faded_stay_part_of_the_table(dpi: int) -> None:
    """Tight rows whose labels touch their lines: the row lines of the label
    columns are lost, save two in the first column and none across the
    second. What is left of the label columns (the frame, one column line,
    two short row lines) touches none of the value columns' lines, yet it
    stands beside them on their row lines: one table, label columns included."""
    spec = TableSpec(30.0, 40.0, [22.0, 30.0] + [14.0] * 7, [8.0] * 12,
                     filled={(r, c) for r in range(12) for c in range(2, 9)})
    img = page_image(dpi, [spec], paragraphs=0, title=False)
    rows_mm, cols_mm = spec.edges_mm()
    half = px(0.6, dpi)
    first, values = px(cols_mm[1], dpi), px(cols_mm[2], dpi)
    for i, y_mm in enumerate(rows_mm):
        y = px(y_mm, dpi)
        # in the first label column only rows 4 and 8 keep their line
        start = first + half + 1 if i in (4, 8) else px(cols_mm[0], dpi) - half
        _erase(img, start, y - half, values - half, y + half + 1)
    table = max(analyse_page(Page(1, img, dpi), SETTINGS).tables, key=lambda t: len(t.cells))
    assert table.n_cols == 9
    assert abs(table.bbox[0] - px(cols_mm[0], dpi)) <= px(0.5, dpi)
    assert abs(table.col_edges[1] - first) <= px(0.5, dpi)


@pytest.mark.parametrize("dpi", [150, 200])
def test_broken_left_frame_meeting_no_row_line_is_the_tables_frame(dpi: int) -> None:
    """As above, with no row line left in the label column at all, and its frame
    line broken: the two pieces (each far shorter than the table's side) are
    one frame line together."""
    spec = TableSpec(30.0, 40.0, [30.0] + [14.0] * 7, [8.0] * 12,
                     filled={(r, c) for r in range(12) for c in range(1, 8)})
    img = page_image(dpi, [spec], paragraphs=0, title=False)
    rows_mm, cols_mm = spec.edges_mm()
    half = px(0.6, dpi)
    left, values = px(cols_mm[0], dpi), px(cols_mm[1], dpi)
    for y_mm in rows_mm:
        y = px(y_mm, dpi)
        _erase(img, left - half, y - half, values - half, y + half + 1)
    gap_top = px(rows_mm[0] + 44.0, dpi)
    _erase(img, left - half, gap_top, left + half + 1, gap_top + px(7.0, dpi))  # 44 + 45 mm pieces
    table = max(analyse_page(Page(1, img, dpi), SETTINGS).tables, key=lambda t: len(t.cells))
    assert table.n_cols == 8
    assert abs(table.bbox[0] - left) <= px(0.5, dpi)


@pytest.mark.parametrize("dpi", [200, 300])
def test_column_line_left_only_in_one_row_is_a_column(dpi: int) -> None:
    """A sub-table of section 二 (采购项目数量 | 采购总金额): the line between
    its last two columns broke away above the value row, and what is left (one
    row high, 7 mm) is shorter than any line segment. Running from the row's
    top line to its bottom line, it is that column's border in that row."""
    spec = TableSpec(30.0, 40.0, [50.0, 60.0, 60.0], [7.0, 7.0], filled={(r, c) for r in range(2) for c in range(3)})
    img = page_image(dpi, [spec], paragraphs=0, title=False)
    rows_mm, cols_mm = spec.edges_mm()
    half, keep = px(0.6, dpi), px(1.2, dpi)
    x = px(cols_mm[2], dpi)
    _erase(img, x - half, px(rows_mm[0], dpi) + keep, x + half + 1, px(rows_mm[1], dpi) - keep)
    table = analyse_page(Page(1, img, dpi), SETTINGS).tables[0]
    assert table.n_cols == 3
    assert abs(table.col_edges[2] - x) <= px(0.5, dpi)
    assert {(c.row, c.col, c.row_span, c.col_span) for c in table.cells if c.row == 1} == {(1, c, 1, 1) for c in range(3)}
