"""Table grids from ruling lines: row and column edges and their drawn segments.

Per table: the line positions are clustered into row and column edges (the
union of all delimiters, as in img2table), with the faint lines no segment
gave (:mod:`layout.faint_edges`); each grid segment between two neighbouring
nodes is tested for ruling ink, all segments at once with prefix sums
(:mod:`layout.presence`). The cells and their text come from the grid in
:mod:`layout.cells`.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .faint_edges import faint_edges, off_ink_darkness, shading_edges
from .lines import Lines, paint_segments
from .merge import complete_segments
from .presence import beside_line_band, segment_presence, through_text
from .regions import table_regions
from .settings import GridSettings, mm_to_px

__all__ = [
    "GridSpec",
    "cluster_positions",
    "cluster_labels",
    "grid_edges",
    "find_grids",
    "drop_repeated_grids",
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


def _columns_between(vertical: np.ndarray, rows: np.ndarray, cols: np.ndarray, h_near: np.ndarray, dpi: float,
                     settings: GridSettings) -> np.ndarray:
    """`cols` plus the column lines that the rows found since anchor.

    A vertical segment is a ruling line when it ends on a crossing line and
    reaches a second row edge (:func:`_line_edges`); a column line drawn
    only in the row under a faded border reaches two rows once that border
    is a row edge (:func:`_with_faint_edges`).
    """
    snap, reach = mm_to_px(settings.snap_mm, dpi), mm_to_px(settings.band_mm, dpi)
    more = _line_edges(vertical, rows, h_near, snap, reach, mm_to_px(settings.anchored_length_mm, dpi),
                       vertical=True)
    if more.size == 0:
        return cols
    apart = np.abs(more[:, None] - cols[None, :]).min(axis=1) >= mm_to_px(settings.min_cell_mm, dpi)
    more = more[apart & (more > cols[0]) & (more < cols[-1])]
    return _drop_close(np.sort(np.r_[cols, np.round(more).astype(cols.dtype)]), mm_to_px(settings.min_cell_mm, dpi))


def _with_faint_edges(lines: Lines, rows: np.ndarray, cols: np.ndarray, dpi: float,
                      settings: GridSettings) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns plus the faint lines found across the table and the
    rows where a shaded band ends (:mod:`layout.faint_edges`)."""
    r0, r1, c0, c1 = int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])
    crop = (slice(r0, r1), slice(c0, c1))
    text = lines.text[crop]
    down = off_ink_darkness(lines.dark_v[crop], cv2.max(text, lines.v_long[crop]), axis=0)
    across = off_ink_darkness(lines.dark_h[crop], cv2.max(text, lines.h_long[crop]), axis=1)
    extra_c = faint_edges(down, cols - c0, dpi, settings) + c0
    extra_r = faint_edges(across, rows - r0, dpi, settings) + r0
    if settings.shading_edges and lines.gray is not None:
        shaded = _shading_rows(lines, crop, rows - r0, cols - c0, dpi, settings) + r0
        min_gap = mm_to_px(settings.min_cell_mm, dpi)
        if extra_r.size:  # one candidate per row: a faint line found already stays
            shaded = shaded[np.abs(shaded[:, None] - extra_r[None, :]).min(axis=1) >= min_gap]
        extra_r = np.r_[extra_r, shaded]
    return np.sort(np.r_[rows, extra_r]), np.sort(np.r_[cols, extra_c])


def _shading_rows(lines: Lines, crop: tuple[slice, slice], rows: np.ndarray, cols: np.ndarray, dpi: float,
                  settings: GridSettings) -> np.ndarray:
    """Rows of the table in `crop` where a shaded band ends (:func:`shading_edges`), px in the crop.

    Text and every line-like piece are left out of the grey, widened by
    their blur: a line in a flank is no shading.
    """
    ink = cv2.max(cv2.max(lines.text[crop], lines.h_pieces[crop]), cv2.max(lines.v_pieces[crop], lines.h_long[crop]))
    blur = 2 * max(1, round(mm_to_px(settings.shading_flank_mm[0], dpi) / 2)) + 1
    ink = cv2.dilate(ink, np.ones((blur, blur), np.uint8))
    return shading_edges(lines.gray[crop], ink, rows, cols, dpi, settings)


def row_borders(v_pieces: np.ndarray, text: np.ndarray, rows: np.ndarray, cols: np.ndarray, dpi: float,
                settings: GridSettings) -> np.ndarray:
    """Column edges that only a row's own border gives.

    A column line broken above and below a row (a shaded header, gaps of a
    broken line) may keep one piece shorter than any line segment: a
    line-like vertical piece that runs from a row's top line to its bottom
    line (each end within ``band_mm`` plus ``one_row_touch_mm`` of the
    edge: pieces are cut where they cross a line; text strokes keep off the
    lines), is at least ``row_border_mm`` long and has no text on both sides
    (within ``profile_text_band_mm``, above ``profile_max_text``: strokes of
    labels in tight rows touch both lines; a border has a cell's text on one
    side at most, :func:`layout.presence.through_text`) is that column's
    border in that row. Positions within ``min_cell_mm`` of a column edge
    are left out.

    Parameters
    ----------
    v_pieces, text : (H, W) uint8 ndarray
        Line-like vertical pieces and text ink (:class:`layout.lines.Lines`), 255 = ink.
    rows, cols : (R + 1,), (C + 1,) int ndarray
        The table's row and column edges so far, px at `dpi`.
    dpi : float
    settings : GridSettings

    Returns
    -------
    (k,) int64 ndarray
        New column edges, px, inside the table.
    """
    y0, y1, x0, x1 = int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])
    band = max(1, round(mm_to_px(settings.band_mm, dpi)))
    crop = v_pieces[max(0, y0 - band):y1 + band + 1, x0:x1]
    n, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    if n <= 1:
        return np.zeros(0, np.int64)
    px, py, pw, ph = (stats[1:, i] for i in range(4))
    top, bottom = py + max(0, y0 - band), py + ph + max(0, y0 - band)
    touch = band + mm_to_px(settings.one_row_touch_mm, dpi)  # the crossing line's half width, then the gap
    # the row edge each end meets, if any: the ends must meet consecutive-or-farther edges
    start = np.abs(top[:, None] - rows[None, :]).argmin(axis=1)
    end = np.abs(bottom[:, None] - rows[None, :]).argmin(axis=1)
    meets = ((np.abs(top - rows[start]) <= touch) & (np.abs(bottom - rows[end]) <= touch) & (end == start + 1)
             & (ph >= mm_to_px(settings.row_border_mm, dpi)) & (pw <= max(2, band)))
    if not meets.any():
        return np.zeros(0, np.int64)
    # a stroke of a character in a line of text has text on both sides; a border, paper on one
    picked = np.flatnonzero(meets)
    centre_x = (px[picked] + pw[picked] // 2).astype(np.int64)  # in the table crop
    zone = max(1, round(mm_to_px(settings.segment_end_zone_mm, dpi)))
    in_text = through_text(np.ascontiguousarray(text[y0:y1, x0:x1].T), centre_x, rows - y0, zone,
                           beside_line_band(settings, dpi), settings.profile_max_text)
    meets[picked] = ~in_text[np.arange(picked.size), start[picked]]
    if not meets.any():
        return np.zeros(0, np.int64)
    xs = x0 + px[meets] + pw[meets] / 2.0
    centres = cluster_positions(xs, ph[meets].astype(float), mm_to_px(settings.snap_mm, dpi))
    min_cell = mm_to_px(settings.min_cell_mm, dpi)
    far = np.abs(centres[:, None] - cols[None, :]).min(axis=1) >= min_cell
    return centres[far].astype(np.int64)


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
            found_rows = len(rows)
            rows, cols = _with_faint_edges(lines, rows, cols, dpi, settings)
            if len(rows) > found_rows:  # segments that reach two rows now are column lines
                cols = _columns_between(vs, rows, cols, h_near, dpi, settings)
        cols = np.sort(np.r_[cols, row_borders(lines.v_pieces, lines.text, rows, cols, dpi, settings)])
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
