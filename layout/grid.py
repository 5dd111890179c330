"""Table grids from ruling lines: edges, merged cells, empty cells, text lines.

Per table: the line positions are clustered into row and column edges (the
union of all delimiters, as in img2table); each grid segment between two
neighbouring nodes is tested for ruling ink, all segments at once with prefix
sums; slots not separated by a drawn segment form one merged cell (connected
components on a slot graph, then made rectangular). Text ink per cell is
counted for all cells at once with an integral image.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .alignment import split_by_text
from .faint_edges import faint_edges
from .lines import Lines, paint_segments
from .merge import complete_segments, merge_slots
from .presence import segment_presence
from .regions import table_regions
from .settings import GridSettings, mm_to_px
from .types import Box, Cell, Table

__all__ = [
    "GridSpec",
    "cluster_positions",
    "cluster_labels",
    "grid_edges",
    "text_ink",
    "cell_ink_counts",
    "split_text_lines",
    "split_pieces",
    "build_table",
    "find_grids",
]


@dataclass(frozen=True)
class GridSpec:
    """The grid of one table before cells are read.

    row_edges : (R + 1,) int ndarray, px — y of the horizontal edges.
    col_edges : (C + 1,) int ndarray, px — x of the vertical edges.
    h_present : (R + 1, C) bool ndarray — horizontal segment drawn above row r
        (index r) over column c.
    v_present : (R, C + 1) bool ndarray — vertical segment drawn left of
        column c (index c) beside row r.
    """

    row_edges: np.ndarray
    col_edges: np.ndarray
    h_present: np.ndarray
    v_present: np.ndarray


def cluster_positions(positions: np.ndarray, weights: np.ndarray, tolerance: float) -> np.ndarray:
    """Group 1-D positions closer than `tolerance` into weighted means.

    Parameters
    ----------
    positions : (n,) array
        Coordinates in px.
    weights : (n,) array
        Weight per position (e.g. segment length in px).
    tolerance : float
        Sorted neighbours farther apart than this start a new group (px).

    Returns
    -------
    (k,) int64 ndarray
        Sorted group centres, rounded to px.
    """
    return cluster_labels(positions, weights, tolerance)[0]


def cluster_labels(positions: np.ndarray, weights: np.ndarray,
                   tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`cluster_positions` plus the group index of every position.

    Returns
    -------
    centres : (k,) int64 ndarray
    labels : (n,) int64 ndarray
        Index into `centres` per input position.
    """
    if positions.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.argsort(positions, kind="stable")
    p = positions[order].astype(np.float64)
    w = np.maximum(weights[order].astype(np.float64), 1e-9)
    split = np.r_[False, np.diff(p) > tolerance]
    starts = np.r_[0, np.nonzero(split)[0]]
    centres = np.add.reduceat(p * w, starts) / np.add.reduceat(w, starts)
    labels = np.empty(positions.size, np.int64)
    labels[order] = np.cumsum(split)
    return np.round(centres).astype(np.int64), labels


def _outer_extent(starts: np.ndarray, ends: np.ndarray, tolerance: float) -> tuple[int, int]:
    """Where the crossing lines start and end, as at least two of them agree.

    A lone crossing segment that runs on past the others (a line chained on
    into a stroke of the heading above the table) does not move the table's
    edge; two that end together within `tolerance` px do (a frame line that
    faded away leaves the crossing lines' ends as its only trace).
    """
    if starts.size < 2:
        return int(starts.min()), int(ends.max())
    s, e = np.sort(starts), np.sort(ends)[::-1]
    lo = int(s[1]) if s[1] - s[0] > tolerance else int(s[0])
    hi = int(e[1]) if e[0] - e[1] > tolerance else int(e[0])
    return lo, hi


def _extend_edges(edges: np.ndarray, lo: int, hi: int, min_gap: float) -> np.ndarray:
    """Add the outer extent of the crossing lines when no edge is there."""
    if edges.size and lo < edges[0] - min_gap:
        edges = np.r_[lo, edges]
    if edges.size and hi > edges[-1] + min_gap:
        edges = np.r_[edges, hi]
    return edges


def _drop_close(edges: np.ndarray, min_gap: float) -> np.ndarray:
    """Merge edges closer than `min_gap` (keeps the first of each run)."""
    if edges.size < 2:
        return edges
    keep = np.r_[True, np.diff(edges) >= min_gap]
    return edges[keep]


def _anchored(segments: np.ndarray, edges: np.ndarray, crossing_ink: np.ndarray, tolerance: float,
              vertical: bool) -> np.ndarray:
    """Segments that end on a crossing line and reach a second crossing edge.

    A ruling line ends on a crossing line (an end pixel lies on `crossing_ink`,
    the crossing-direction long lines dilated by the snap tolerance) and meets
    at least one more crossing edge; a chain of text strokes floats inside a
    cell. `edges` must be sorted.
    """
    if edges.size == 0 or len(segments) == 0:
        return np.zeros(len(segments), bool)
    h, w = crossing_ink.shape
    if vertical:
        lo, hi = segments[:, 1], segments[:, 3] - 1
        mid = np.clip((segments[:, 0] + segments[:, 2]) // 2, 0, w - 1)
        on_lo, on_hi = crossing_ink[np.clip(lo, 0, h - 1), mid], crossing_ink[np.clip(hi, 0, h - 1), mid]
    else:
        lo, hi = segments[:, 0], segments[:, 2] - 1
        mid = np.clip((segments[:, 1] + segments[:, 3]) // 2, 0, h - 1)
        on_lo, on_hi = crossing_ink[mid, np.clip(lo, 0, w - 1)], crossing_ink[mid, np.clip(hi, 0, w - 1)]
    inside = np.searchsorted(edges, hi + tolerance, side="right") - np.searchsorted(edges, lo - tolerance)
    return ((on_lo > 0) | (on_hi > 0)) & (inside >= 2)


def _line_edges(segments: np.ndarray, crossing: np.ndarray, crossing_ink: np.ndarray, snap: float,
                reach: float, long_px: float, vertical: bool) -> np.ndarray:
    """Edge positions of one direction that are ruling lines.

    Positions are clustered; a cluster is a ruling line when one of its
    segments is anchored (:func:`_anchored`), or its segments add up to at
    least `long_px` (a line broken by gaps). A chain of text strokes inside
    a cell is neither.
    """
    along = (segments[:, 3] - segments[:, 1]) if vertical else (segments[:, 2] - segments[:, 0])
    pos = ((segments[:, 0] + segments[:, 2] - 1) if vertical else (segments[:, 1] + segments[:, 3] - 1)) / 2.0
    centres, labels = cluster_labels(pos, along, snap)
    if centres.size == 0:
        return centres
    ok = _anchored(segments, crossing, crossing_ink, reach, vertical)
    anchored = np.bincount(labels, ok, centres.size) > 0
    total = np.bincount(labels, along, centres.size)
    return centres[anchored | (total >= long_px)]


def grid_edges(horizontal: np.ndarray, vertical: np.ndarray, h_near: np.ndarray, v_near: np.ndarray,
               dpi: float, settings: GridSettings) -> tuple[np.ndarray, np.ndarray]:
    """Row and column edges of one table from its segments.

    Line positions are clustered (``snap_mm``); clusters that are not
    ruling lines (chains of text strokes inside a cell, see
    :func:`_line_edges`) are dropped.

    Parameters
    ----------
    horizontal, vertical : (n, 4), (m, 4) int ndarray
        Segment boxes px at `dpi`.
    h_near, v_near : (H, W) uint8 ndarray
        Long horizontal / vertical line masks dilated by ``band_mm`` (where a
        crossing segment may end).
    dpi : float
    settings : GridSettings
        Uses ``snap_mm``, ``band_mm``, ``min_cell_mm`` and ``anchored_length_mm``.

    Returns
    -------
    row_edges : (R + 1,) int64 ndarray
    col_edges : (C + 1,) int64 ndarray
    """
    snap = mm_to_px(settings.snap_mm, dpi)
    reach = mm_to_px(settings.band_mm, dpi)
    long_px = mm_to_px(settings.anchored_length_mm, dpi)
    min_cell = mm_to_px(settings.min_cell_mm, dpi)
    rows = cluster_positions((horizontal[:, 1] + horizontal[:, 3] - 1) / 2.0,
                             horizontal[:, 2] - horizontal[:, 0], snap)
    cols = cluster_positions((vertical[:, 0] + vertical[:, 2] - 1) / 2.0,
                             vertical[:, 3] - vertical[:, 1], snap)
    rows, cols = (_line_edges(horizontal, cols, v_near, snap, reach, long_px, vertical=False),
                  _line_edges(vertical, rows, h_near, snap, reach, long_px, vertical=True))
    if rows.size < 2 or cols.size < 2:
        return rows, cols
    left, right = _outer_extent(horizontal[:, 0], horizontal[:, 2] - 1, snap)
    top, bottom = _outer_extent(vertical[:, 1], vertical[:, 3] - 1, snap)
    cols = _extend_edges(cols, left, right, min_cell)
    rows = _extend_edges(rows, top, bottom, min_cell)
    return _drop_close(rows, min_cell), _drop_close(cols, min_cell)


def near_positions(positions: np.ndarray, size: int, reach: int) -> np.ndarray:
    """(size,) bool: True within `reach` px of any of `positions` (px, 0 … size)."""
    steps = np.zeros(size + 1, np.int32)
    pos = np.asarray(positions, np.int64)
    np.add.at(steps, np.clip(pos - reach, 0, size), 1)
    np.add.at(steps, np.clip(pos + reach + 1, 0, size), -1)
    return np.cumsum(steps[:size]) > 0


def text_ink(mask: np.ndarray, spec: GridSpec, dpi: float, settings: GridSettings,
             remnants: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, Box]:
    """Text ink of one table: the mask without its grid lines and specks.

    Bands of ``band_mm + line_clear_mm`` around every *drawn* segment are
    cleared (a dash "—" inside a cell is kept). Along a segment judged not
    drawn, only the line-like ink of `remnants` (``(h_pieces, v_pieces)``,
    :class:`layout.lines.Lines`, page px) in that band is cleared: what is
    left of a broken line there is not text, and left in it would join two
    cells' texts into one. Line-like pieces longer than ``remnant_length_mm``
    are cleared wherever they lie. Components smaller than ``speck_mm2`` are
    dropped.

    Returns
    -------
    ink : (h, w) uint8 ndarray
        1 = text ink, over the table box.
    box : Box
        The table box ``(x0, y0, x1, y1)`` the crop covers, px at `dpi`.
    """
    rows, cols = spec.row_edges, spec.col_edges
    x0, y0, x1, y1 = int(cols[0]), int(rows[0]), int(cols[-1]), int(rows[-1])
    ink = (mask[y0:y1, x0:x1] > 0).astype(np.uint8)
    r, c = rows - y0, cols - x0
    clear = max(1, round(mm_to_px(settings.band_mm + settings.line_clear_mm, dpi)))
    for i, j in zip(*np.nonzero(spec.h_present)):
        ink[max(0, r[i] - clear):r[i] + clear + 1, c[j]:c[j + 1]] = 0
    for i, j in zip(*np.nonzero(spec.v_present)):
        ink[r[i]:r[i + 1], max(0, c[j] - clear):c[j] + clear + 1] = 0
    if remnants is not None:
        h_pieces, v_pieces = (m[y0:y1, x0:x1] > 0 for m in remnants)
        near_row, near_col = near_positions(r, ink.shape[0], clear), near_positions(c, ink.shape[1], clear)
        ink[(h_pieces & near_row[:, None]) | (v_pieces & near_col[None, :])] = 0
        long_px = max(1, round(mm_to_px(settings.remnant_length_mm, dpi)))
        for pieces, shape in ((h_pieces, (long_px, 1)), (v_pieces, (1, long_px))):
            # an opening keeps the runs at least that long (cheaper than components)
            runs = cv2.morphologyEx(pieces.astype(np.uint8), cv2.MORPH_OPEN,
                                    cv2.getStructuringElement(cv2.MORPH_RECT, shape))
            ink[runs > 0] = 0
    speck = mm_to_px(1.0, dpi) ** 2 * settings.speck_mm2
    if speck >= 1:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
        keep = stats[:, cv2.CC_STAT_AREA] >= speck
        keep[0] = False
        ink = keep[labels].astype(np.uint8)
    return ink, (x0, y0, x1, y1)


def cell_ink_counts(ink: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Ink pixel count inside every box at once (integral image).

    Parameters
    ----------
    ink : (h, w) uint8 ndarray
        1 = ink.
    boxes : (k, 4) int ndarray
        ``(x0, y0, x1, y1)`` in `ink` coordinates, exclusive ends; empty boxes
        (x1 <= x0) count 0.

    Returns
    -------
    (k,) int64 ndarray
    """
    integral = cv2.integral(ink, sdepth=cv2.CV_32S)
    x0, y0, x1, y1 = (np.clip(boxes[:, i], 0, (ink.shape[1], ink.shape[0])[i % 2]) for i in range(4))
    x1, y1 = np.maximum(x1, x0), np.maximum(y1, y0)
    return (integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]).astype(np.int64)


def split_text_lines(ink: np.ndarray, gap_px: int, min_height_px: int,
                     cuts: np.ndarray | None = None, reach_px: int = 0,
                     run_px: int = 0) -> list[tuple[int, int]]:
    """Split a cell's ink into text lines by its row projection.

    Runs of ink rows separated by at least `gap_px` empty rows are lines;
    so are runs separated by any empty row at one of `cuts` (the inner grid
    row edges of a cell merged over rows: labels of rows of their own sit
    closer than `gap_px`). Lines lower than `min_height_px` (a stroke of a
    character) join the nearest neighbouring line.

    Parameters
    ----------
    ink : (h, w) ndarray
        Nonzero = ink, one cell.
    gap_px : int
    min_height_px : int
    cuts : (k,) int ndarray or None
        Rows of `ink` where an empty row always separates lines.
    reach_px, run_px : int
        Within `reach_px` of a cut, a row whose only ink is horizontal runs
        of at least `run_px` (what is left of the missed line there) counts
        as empty.

    Returns
    -------
    list of (y0, y1)
        Row ranges in `ink` coordinates, exclusive ends, top to bottom.
    """
    occupied = ink.any(axis=1)
    if cuts is not None and cuts.size and run_px > 1:
        binary = (ink > 0).astype(np.uint8)
        runs = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (run_px, 1)))
        texty = ((binary > 0) & (runs == 0)).any(axis=1)
        occupied &= ~(near_positions(cuts, occupied.size, reach_px) & ~texty)
    rows = np.r_[0, occupied.astype(np.int8), 0]
    d = np.diff(rows)
    starts, ends = np.nonzero(d == 1)[0], np.nonzero(d == -1)[0]
    if starts.size == 0:
        return []
    split = np.r_[True, starts[1:] - ends[:-1] >= gap_px]
    if cuts is not None and cuts.size and starts.size > 1:
        # gap i lies between ends[i] and starts[i + 1]; a cut inside it splits there
        gap_of_cut = np.searchsorted(starts, cuts, side="right") - 1
        inside = (gap_of_cut >= 0) & (gap_of_cut < ends.size - 1)
        inside &= cuts >= ends[np.clip(gap_of_cut, 0, ends.size - 1)] - 1
        split[gap_of_cut[inside] + 1] = True
    group = np.cumsum(split) - 1
    lines = [[int(starts[group == g][0]), int(ends[group == g][-1])] for g in range(int(group[-1]) + 1)]
    while len(lines) > 1:
        heights = [b - a for a, b in lines]
        i = int(np.argmin(heights))
        if heights[i] >= min_height_px:
            break
        gap_up = lines[i][0] - lines[i - 1][1] if i > 0 else np.inf
        gap_down = lines[i + 1][0] - lines[i][1] if i + 1 < len(lines) else np.inf
        j = i - 1 if gap_up <= gap_down else i + 1
        a, b = sorted((i, j))
        lines[a:b + 1] = [[lines[a][0], lines[b][1]]]
    return [(a, b) for a, b in lines]


def split_pieces(ink: np.ndarray, gap_px: int) -> list[tuple[int, int]]:
    """Split one text line's ink into pieces at column gaps of at least `gap_px`.

    Parameters
    ----------
    ink : (h, w) ndarray
        Nonzero = ink, one text line of a cell.
    gap_px : int

    Returns
    -------
    list of (x0, x1)
        Column ranges in `ink` coordinates, exclusive ends, left to right.
    """
    cols = np.r_[0, ink.any(axis=0).astype(np.int8), 0]
    d = np.diff(cols)
    starts, ends = np.nonzero(d == 1)[0], np.nonzero(d == -1)[0]
    if starts.size == 0:
        return []
    cut = np.nonzero(starts[1:] - ends[:-1] >= gap_px)[0]
    first = np.r_[0, cut + 1]
    last = np.r_[cut, starts.size - 1]
    return [(int(starts[a]), int(ends[b])) for a, b in zip(first, last)]


@dataclass(frozen=True)
class _TextPx:
    """The GridSettings lengths text boxes are cut by, in px at one dpi."""
    gap: int
    min_line: int
    reach: int
    edge_run: int
    piece_gap: int
    block_gap: int
    min_ink: float


def text_boxes(ink: np.ndarray, cuts: np.ndarray | None, px: _TextPx) -> list[tuple[int, int, int, int]]:
    """Boxes ``(x0, y0, x1, y1)`` (exclusive ends, `ink` px) of a cell's text
    pieces: lines (:func:`split_text_lines`) cut at wide gaps
    (:func:`split_pieces`), specks (less ink than ``min_ink``) dropped.

    A cell merged over rows (`cuts`: its inner row edges) is first cut into
    blocks of columns apart by ``block_gap``: labels of two label columns
    whose line was missed sit side by side, and their lines do not line up.
    Sorted top to bottom, then left to right.
    """
    blocks = split_pieces(ink, px.block_gap) if cuts is not None else [(0, ink.shape[1])]
    out = []
    for bx0, bx1 in blocks:
        block = ink[:, bx0:bx1]
        for a, b in split_text_lines(block, px.gap, px.min_line, cuts, px.reach, px.edge_run):
            pieces = split_pieces(block[a:b], px.piece_gap)
            if not pieces:
                continue
            inked = [int(block[a:b, xa:xb].sum()) for xa, xb in pieces]
            # a speck off the text is no piece of its own (it stays in no crop)
            pieces = [p for p, n in zip(pieces, inked) if n >= px.min_ink] or [pieces[int(np.argmax(inked))]]
            out += [(bx0 + xa, a, bx0 + xb, b) for xa, xb in pieces]
    return sorted(out, key=lambda box: (box[1], box[0]))


def build_table(mask: np.ndarray, spec: GridSpec, page: int, dpi: float, settings: GridSettings,
                remnants: tuple[np.ndarray, np.ndarray] | None = None) -> Table:
    """Cells of one table: merged spans, empty cells, ink boxes, text lines.

    Parameters
    ----------
    mask : (H, W) uint8 ndarray
        Page ink mask (255 = ink) at `dpi`.
    spec : GridSpec
    page : int
        1-based page number stored in the table.
    dpi : float
    settings : GridSettings
    remnants : (h_pieces, v_pieces) of :class:`layout.lines.Lines`, or None
        (see :func:`text_ink`).

    Returns
    -------
    Table
    """
    rows, cols = spec.row_edges, spec.col_edges
    spans = merge_slots(spec.h_present, spec.v_present)
    ink, (tx, ty, _, _) = text_ink(mask, spec, dpi, settings, remnants)
    h_present, v_present = split_by_text(ink, (tx, ty), rows, cols, spec.h_present, spec.v_present,
                                         spans, dpi, settings)
    if not (np.array_equal(h_present, spec.h_present) and np.array_equal(v_present, spec.v_present)):
        spans = merge_slots(h_present, v_present)
    inset = round(mm_to_px(settings.cell_inset_mm, dpi))
    r0, c0 = spans[:, 0], spans[:, 1]
    r1, c1 = r0 + spans[:, 2], c0 + spans[:, 3]
    boxes = np.stack([cols[c0], rows[r0], cols[c1], rows[r1]], axis=1)
    inner = boxes + np.array([inset, inset, -inset, -inset]) - np.array([tx, ty, tx, ty])
    counts = cell_ink_counts(ink, inner)
    min_ink = settings.min_ink_mm2 * mm_to_px(1.0, dpi) ** 2
    gap = max(1, round(mm_to_px(settings.text_line_gap_mm, dpi)))
    min_line = max(1, round(mm_to_px(settings.min_text_line_mm, dpi)))
    pad = round(mm_to_px(settings.text_line_pad_mm, dpi))
    px = _TextPx(gap=gap, min_line=min_line, reach=round(mm_to_px(settings.band_mm, dpi)),
                 edge_run=round(mm_to_px(settings.edge_remnant_run_mm, dpi)),
                 piece_gap=max(1, round(mm_to_px(settings.text_piece_gap_mm, dpi))),
                 block_gap=max(1, round(mm_to_px(settings.text_block_gap_mm, dpi))), min_ink=min_ink)
    cells = []
    for (row, col, rs, cs), box, ibox, count in zip(spans, boxes, inner, counts):
        bbox = tuple(int(v) for v in box)
        if count < min_ink:
            cells.append(Cell(int(row), int(col), int(rs), int(cs), bbox, None, ()))
            continue
        ix0, iy0, ix1, iy1 = (int(v) for v in ibox)
        sub = ink[iy0:iy1, ix0:ix1]
        ox, oy = ix0 + tx, iy0 + ty
        cuts = rows[row + 1:row + rs] - oy if rs > 1 else None  # inner row edges, in `sub`
        text_lines = [
            (max(bbox[0], ox + xa - pad), max(bbox[1], oy + a - pad),
             min(bbox[2], ox + xb + pad), min(bbox[3], oy + b + pad))
            for xa, a, xb, b in text_boxes(sub, cuts, px)
        ]
        ys = np.nonzero(sub.any(axis=1))[0]
        xs = np.nonzero(sub.any(axis=0))[0]
        ink_bbox = (ox + int(xs[0]), oy + int(ys[0]), ox + int(xs[-1]) + 1, oy + int(ys[-1]) + 1)
        cells.append(Cell(int(row), int(col), int(rs), int(cs), bbox, ink_bbox, tuple(text_lines)))
    return Table(page=page, bbox=(int(cols[0]), int(rows[0]), int(cols[-1]), int(rows[-1])),
                 row_edges=tuple(int(v) for v in rows), col_edges=tuple(int(v) for v in cols),
                 cells=tuple(cells))


def _with_faint_edges(lines: Lines, rows: np.ndarray, cols: np.ndarray, dpi: float,
                      settings: GridSettings) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns plus the faint lines found across the table (:mod:`layout.faint_edges`)."""
    r0, r1, c0, c1 = int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])
    crop = (slice(r0, r1 + 1), slice(c0, c1 + 1))
    v_ink = cv2.max(lines.text[crop], lines.v_long[crop])
    extra_c = faint_edges(lines.dark_v[crop], v_ink, cols - c0, (0, r1 - r0), dpi, settings) + c0
    h_ink = cv2.max(lines.text[crop], lines.h_long[crop])
    extra_r = faint_edges(np.ascontiguousarray(lines.dark_h[crop].T), np.ascontiguousarray(h_ink.T),
                          rows - r0, (0, c1 - c0), dpi, settings) + r0
    return np.sort(np.r_[rows, extra_r]), np.sort(np.r_[cols, extra_c])


def find_grids(lines: Lines, dpi: float, settings: GridSettings) -> list[GridSpec]:
    """Grids of all tables on a page, top to bottom.

    Parameters
    ----------
    lines : Lines
        From :func:`layout.lines.detect_lines`.
    dpi : float
    settings : GridSettings

    Returns
    -------
    list of GridSpec
        Candidates with fewer than ``min_rows`` × ``min_cols`` slots (or
        fewer than ``min_cells``) are dropped.
    """
    out = []
    reach = 2 * max(1, round(mm_to_px(settings.band_mm, dpi))) + 1
    box = np.ones((reach, reach), np.uint8)
    h_near, v_near = cv2.dilate(lines.h_long, box), cv2.dilate(lines.v_long, box)
    h_lines = paint_segments(lines.h_long.shape, lines.horizontal)
    v_lines = paint_segments(lines.v_long.shape, lines.vertical)
    for _, hs, vs in table_regions(lines, dpi, settings):
        rows, cols = grid_edges(hs, vs, h_near, v_near, dpi, settings)
        if len(rows) < 2 or len(cols) < 2:
            continue
        if settings.faint_edges:
            rows, cols = _with_faint_edges(lines, rows, cols, dpi, settings)
        n_rows, n_cols = len(rows) - 1, len(cols) - 1
        if n_rows < settings.min_rows or n_cols < settings.min_cols or n_rows * n_cols < settings.min_cells:
            continue
        h_present, v_present = segment_presence(lines.h_ruling, lines.v_ruling, rows, cols, dpi, settings,
                                                lines.h_long, lines.v_long, h_lines, v_lines, lines.dark_h, lines.dark_v, lines.text)
        # an edge with no drawn segment along it separates nothing: drop it
        keep_r, keep_c = h_present.any(axis=1), v_present.any(axis=0)
        if not (keep_r.all() and keep_c.all()):
            rows, cols = rows[keep_r], cols[keep_c]
            if len(rows) < 2 or len(cols) < 2:
                continue
            h_present, v_present = segment_presence(lines.h_ruling, lines.v_ruling, rows, cols, dpi, settings,
                                                lines.h_long, lines.v_long, h_lines, v_lines, lines.dark_h, lines.dark_v, lines.text)
        n_rows, n_cols = len(rows) - 1, len(cols) - 1
        if n_rows < settings.min_rows or n_cols < settings.min_cols or n_rows * n_cols < settings.min_cells:
            continue
        h_present, v_present = complete_segments(h_present, v_present, settings.max_restored_run)
        out.append(GridSpec(rows, cols, h_present, v_present))
    return drop_repeated_grids(out, mm_to_px(settings.snap_mm, dpi))


def _edges_within(edges: np.ndarray, lo: float, hi: float, tolerance: float) -> np.ndarray:
    return edges[(edges >= lo - tolerance) & (edges <= hi + tolerance)]


def drop_repeated_grids(grids: list[GridSpec], tolerance: float) -> list[GridSpec]:
    """Grids without those that repeat part of another one.

    Two line groups can both reach one stretch of a table (a frame line
    attached to one of them, a broken line that joined them only in part):
    a grid lying inside another, every edge of it found in the larger one
    (within `tolerance` px), reads the same cells twice and is dropped.
    """
    keep = []
    for i, g in enumerate(grids):
        y0, y1, x0, x1 = g.row_edges[0], g.row_edges[-1], g.col_edges[0], g.col_edges[-1]
        repeated = False
        for j, other in enumerate(grids):
            if j == i or not (other.row_edges[0] - tolerance <= y0 and y1 <= other.row_edges[-1] + tolerance
                              and other.col_edges[0] - tolerance <= x0 and x1 <= other.col_edges[-1] + tolerance):
                continue
            rows = _edges_within(other.row_edges, y0, y1, tolerance)
            cols = _edges_within(other.col_edges, x0, x1, tolerance)
            covered = (np.abs(g.row_edges[:, None] - rows[None, :]).min(axis=1).max() <= tolerance
                       and np.abs(g.col_edges[:, None] - cols[None, :]).min(axis=1).max() <= tolerance)
            # of two identical grids the first stays
            if covered and (len(other.row_edges) * len(other.col_edges) > len(g.row_edges) * len(g.col_edges)
                            or j < i):
                repeated = True
                break
        if not repeated:
            keep.append(g)
    return keep
