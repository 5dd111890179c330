"""Tables of a born-digital page from its vector ruling, cell text from its text layer.

The ruling paths of :class:`layout.text_layer.TextLayer` are exact: no line is
faint, broken or skewed. Rulings that touch form one table
(:func:`ruling_grids`); their positions across, clustered within
``snap_mm``, are the grid's edges, and a slot's side is drawn where a ruling
covers ``presence_fraction`` of it. Merged cells come from the same
:func:`layout.merge.merge_slots` as for scans. Every character goes to the
cell under its centre; a cell's characters split into text lines where their
boxes stop overlapping vertically (:func:`digital_layout`). All px at the
page image's dpi, the convention of scans.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from .grid import GridSpec, cluster_labels
from .merge import merge_slots
from .settings import TextLayerSettings, mm_to_px
from .text_layer import TextLayer
from .types import Box, Cell, Page, Table

__all__ = ["ReadText", "DigitalLayout", "ruling_grids", "digital_layout"]

ReadText = tuple[Box, str]  # a text line's box (px) and its characters


@dataclass(frozen=True)
class DigitalLayout:
    """The layout of a page read from its text layer.

    page : Page — the rendered page (``page.text_layer`` set).
    grids : GridSpec per table.
    tables : Table per table, top to bottom, as :func:`layout.analyse_page` gives.
    cell_lines : text lines per non-empty cell, keyed by the cell's box.
    free_lines : text lines outside every table, top to bottom.
    """

    page: Page
    grids: tuple[GridSpec, ...] = field(repr=False)
    tables: tuple[Table, ...]
    cell_lines: dict[Box, tuple[ReadText, ...]] = field(repr=False)
    free_lines: tuple[ReadText, ...] = field(repr=False)


def _table_labels(rulings: np.ndarray, shape: tuple[int, int], reach: int) -> np.ndarray:
    """(m,) int: which group of touching rulings (within `reach` px) each belongs to."""
    cell = max(1, reach)
    h, w = shape[0] // cell + 2, shape[1] // cell + 2
    x0 = np.clip(np.floor((rulings[:, 0] - reach) / cell).astype(np.int64), 0, w - 1)
    y0 = np.clip(np.floor((rulings[:, 1] - reach) / cell).astype(np.int64), 0, h - 1)
    x1 = np.clip(np.floor((rulings[:, 2] + reach) / cell).astype(np.int64) + 1, 1, w)
    y1 = np.clip(np.floor((rulings[:, 3] + reach) / cell).astype(np.int64) + 1, 1, h)
    # the boxes painted by a 2-D difference array: no loop over rulings
    diff = np.zeros((h + 1, w + 1), np.int32)
    np.add.at(diff, (y0, x0), 1)
    np.add.at(diff, (y0, x1), -1)
    np.add.at(diff, (y1, x0), -1)
    np.add.at(diff, (y1, x1), 1)
    painted = (np.cumsum(np.cumsum(diff, axis=0), axis=1)[:h, :w] > 0).astype(np.uint8)
    _, labels = cv2.connectedComponents(painted, connectivity=8)
    return labels[y0, x0]


def _present(spans: np.ndarray, edge: np.ndarray, n_edges: int, sides: np.ndarray,
             fraction: float) -> np.ndarray:
    """(n_edges, n_sides) bool: some ruling at that edge covers `fraction` of that side.

    spans : (k, 2) along-extent of each ruling; edge : (k,) its edge index;
    sides : (n_sides + 1,) the positions bounding the sides along the edge.
    """
    lo, hi = sides[:-1][None, :], sides[1:][None, :]
    cover = np.clip(np.minimum(spans[:, 1:2], hi) - np.maximum(spans[:, 0:1], lo), 0, None)
    hit = cover >= fraction * np.maximum(hi - lo, 1)
    present = np.zeros((n_edges, len(sides) - 1), np.int32)
    np.maximum.at(present, edge, hit.astype(np.int32))
    return present.astype(bool)


def ruling_grids(rulings: np.ndarray, shape: tuple[int, int], dpi: float,
                 settings: TextLayerSettings) -> list[GridSpec]:
    """The grid of every table drawn by vector rulings, top to bottom.

    Parameters
    ----------
    rulings : (m, 4) float ndarray
        Ruling boxes ``(x0, y0, x1, y1)``, px at `dpi`
        (:attr:`layout.text_layer.TextLayer.rulings`).
    shape : (height, width) of the page image, px.
    dpi : float
    settings : TextLayerSettings

    Returns
    -------
    list of GridSpec
        Tables at least ``min_table_mm`` each way, with at least one row and
        one column.
    """
    if len(rulings) == 0:
        return []
    horizontal = (rulings[:, 2] - rulings[:, 0]) >= (rulings[:, 3] - rulings[:, 1])
    labels = _table_labels(rulings, shape, max(1, round(mm_to_px(settings.join_mm, dpi))))
    snap = mm_to_px(settings.snap_mm, dpi)
    smallest = mm_to_px(settings.min_table_mm, dpi)
    grids = []
    for label in np.unique(labels):
        mine = labels == label
        hs, vs = rulings[mine & horizontal], rulings[mine & ~horizontal]
        if len(hs) < 2 or len(vs) < 2:
            continue
        rows, row_of = cluster_labels((hs[:, 1] + hs[:, 3]) / 2, hs[:, 2] - hs[:, 0], snap)
        cols, col_of = cluster_labels((vs[:, 0] + vs[:, 2]) / 2, vs[:, 3] - vs[:, 1], snap)
        if len(rows) < 2 or len(cols) < 2 or rows[-1] - rows[0] < smallest or cols[-1] - cols[0] < smallest:
            continue
        h_present = _present(hs[:, [0, 2]], row_of, len(rows), cols, settings.presence_fraction)
        v_present = _present(vs[:, [1, 3]], col_of, len(cols), rows, settings.presence_fraction).T
        grids.append(GridSpec(rows.astype(np.int64), cols.astype(np.int64), h_present, v_present))
    grids.sort(key=lambda g: (int(g.row_edges[0]), int(g.col_edges[0])))
    return grids


def _slot_owner(spans: np.ndarray, n_rows: int, n_cols: int) -> np.ndarray:
    """(n_rows, n_cols) int: index of the merged cell (row of `spans`) holding each slot."""
    r0, c0, rs, cs = spans.T
    counts = rs * cs
    cell = np.repeat(np.arange(len(spans)), counts)
    local = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    width = np.repeat(cs, counts)
    owner = np.full((n_rows, n_cols), -1, np.int64)
    owner[np.repeat(r0, counts) + local // width, np.repeat(c0, counts) + local % width] = cell
    return owner


def _lines(order: np.ndarray, group: np.ndarray, boxes: np.ndarray, chars: np.ndarray,
           overlap: float) -> tuple[np.ndarray, list[ReadText]]:
    """Text lines of characters grouped by `group` (one group: one cell).

    `order` lists the characters by group, then by top. A new line starts
    where a character's box overlaps the previous one's vertically by less
    than `overlap` of its height. Returns each line's group and its
    ``(box, text)``, characters left to right.
    """
    if order.size == 0:
        return np.zeros(0, np.int64), []
    g, b = group[order], boxes[order]
    height = np.maximum(b[:, 3] - b[:, 1], 1e-6)
    shared = np.minimum(b[1:, 3], b[:-1, 3]) - np.maximum(b[1:, 1], b[:-1, 1])
    new = np.r_[True, (g[1:] != g[:-1]) | (shared < overlap * np.minimum(height[1:], height[:-1]))]
    line = np.cumsum(new) - 1
    by_x = np.lexsort((b[:, 0], line))
    line, b, picked = line[by_x], b[by_x], order[by_x]
    starts = np.flatnonzero(np.r_[True, line[1:] != line[:-1]])
    x0 = np.minimum.reduceat(b[:, 0], starts)
    y0 = np.minimum.reduceat(b[:, 1], starts)
    x1 = np.maximum.reduceat(b[:, 2], starts)
    y1 = np.maximum.reduceat(b[:, 3], starts)
    texts = ["".join(part) for part in np.split(chars[picked], starts[1:])]
    out = [((int(np.floor(a)), int(np.floor(c)), int(np.ceil(d)), int(np.ceil(e))), t)
           for a, c, d, e, t in zip(x0, y0, x1, y1, texts)]
    return group[picked[starts]], out


def digital_layout(page: Page, settings: TextLayerSettings) -> DigitalLayout:
    """Tables, cell text and free text of a page with a usable text layer.

    Parameters
    ----------
    page : Page
        A rendered PDF page whose ``text_layer`` passed
        :func:`layout.assess_text_layer`.
    settings : TextLayerSettings

    Returns
    -------
    DigitalLayout
    """
    layer = page.text_layer
    assert layer is not None, "digital_layout needs a page with a text layer"
    grids = ruling_grids(layer.rulings, (page.height, page.width), page.dpi, settings)
    boxes = layer.boxes
    chars = np.array(list(layer.chars), dtype=object)
    cx, cy = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
    owner_of = np.full(len(chars), -1, np.int64)  # global cell index of each character
    all_cells: list[tuple[int, np.ndarray, GridSpec]] = []
    offset = 0
    for ti, grid in enumerate(grids):
        rows, cols = grid.row_edges, grid.col_edges
        spans = merge_slots(grid.h_present, grid.v_present)
        r = np.searchsorted(rows, cy, side="right") - 1
        c = np.searchsorted(cols, cx, side="right") - 1
        inside = (r >= 0) & (r < len(rows) - 1) & (c >= 0) & (c < len(cols) - 1) & (owner_of < 0)
        slot_owner = _slot_owner(spans, len(rows) - 1, len(cols) - 1)
        owner_of[inside] = offset + slot_owner[r[inside], c[inside]]
        all_cells.append((ti, spans, grid))
        offset += len(spans)
    in_cell = np.flatnonzero(owner_of >= 0)
    order = in_cell[np.lexsort((boxes[in_cell, 1], owner_of[in_cell]))]
    line_cell, lines = _lines(order, owner_of, boxes, chars, settings.line_overlap)
    free = np.flatnonzero(owner_of < 0)
    free_order = free[np.argsort(boxes[free, 1], kind="stable")]
    _, free_lines = _lines(free_order, np.zeros(len(chars), np.int64), boxes, chars, settings.line_overlap)
    tables, cell_lines = [], {}
    per_cell: dict[int, list[ReadText]] = {}
    for cell, line in zip(line_cell.tolist(), lines):
        per_cell.setdefault(cell, []).append(line)
    offset = 0
    for ti, spans, grid in all_cells:
        rows, cols = grid.row_edges, grid.col_edges
        cells = []
        for k, (row, col, rs, cs) in enumerate(spans.tolist()):
            bbox = (int(cols[col]), int(rows[row]), int(cols[col + cs]), int(rows[row + rs]))
            mine = per_cell.get(offset + k, [])
            mine.sort(key=lambda item: (item[0][1], item[0][0]))
            ink = None
            if mine:
                ink = (min(b[0] for b, _ in mine), min(b[1] for b, _ in mine),
                       max(b[2] for b, _ in mine), max(b[3] for b, _ in mine))
                cell_lines[bbox] = tuple(mine)
            cells.append(Cell(row, col, rs, cs, bbox, ink, tuple(b for b, _ in mine)))
        offset += len(spans)
        tables.append(Table(page=page.number, bbox=(int(cols[0]), int(rows[0]), int(cols[-1]), int(rows[-1])),
                            row_edges=tuple(int(v) for v in rows), col_edges=tuple(int(v) for v in cols),
                            cells=tuple(cells)))
    free_lines.sort(key=lambda item: (item[0][1], item[0][0]))
    return DigitalLayout(page, tuple(grids), tuple(tables), cell_lines, tuple(free_lines))
