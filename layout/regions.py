"""Table candidates: groups of ruling lines that hang together on a page.

The line pieces of both directions (:class:`layout.lines.Lines`) are joined
(dilated along each line over the gaps of a broken line, across it only by
the snap) and split into connected components; each large enough is a table
candidate, with its segments clipped to it. A lone frame line beside a
candidate is attached as its outer border (:func:`attach_frame_lines`); two
candidates side by side whose horizontal lines lie at the same heights are
one table whose lines faded in between (:func:`join_side_by_side`); two
lone horizontal lines with short vertical pieces between them are a one-row
table (:func:`one_row_tables`).
"""
from __future__ import annotations

import cv2
import numpy as np

from .lines import Lines
from .settings import GridSettings, mm_to_px
from .types import Box

__all__ = ["table_regions", "attach_frame_lines", "join_side_by_side", "one_row_tables"]


def table_regions(lines: Lines, dpi: float, settings: GridSettings) -> list[tuple[Box, np.ndarray, np.ndarray]]:
    """Group line segments into table candidates.

    Long-line masks are joined (dilated by ``snap_mm``) and split into
    connected components; each component large enough is one candidate.
    Segments of the other components may then bound a candidate as its outer
    frame (:func:`attach_frame_lines`).

    Returns
    -------
    list of (box, horizontal, vertical)
        Candidate box ``(x0, y0, x1, y1)`` px and its (n, 4) / (m, 4) segments.
    """
    snap = max(1, round(mm_to_px(settings.snap_mm, dpi)))
    # along its own direction a line's ink reaches over the gaps of a broken
    # line (region_gap_mm), across it only by the snap: two tables stacked
    # with aligned columns stay apart, a table whose lines are broken stays whole
    along = max(snap, round(mm_to_px(settings.region_gap_mm, dpi) / 2))
    union = cv2.max(cv2.dilate(lines.h_long, np.ones((2 * snap + 1, 2 * along + 1), np.uint8)),
                    cv2.dilate(lines.v_long, np.ones((2 * along + 1, 2 * snap + 1), np.uint8)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(union, connectivity=8)

    min_w = mm_to_px(settings.min_table_width_mm, dpi)
    min_h = mm_to_px(settings.min_table_height_mm, dpi)
    out = []
    taken_h = np.zeros(len(lines.horizontal), bool)
    taken_v = np.zeros(len(lines.vertical), bool)
    for lab in range(1, n):
        x, y, w, h = stats[lab, :4]
        if w < min_w or h < min_h:
            continue
        box = (int(x), int(y), int(x + w), int(y + h))
        # a bridged segment may run on into the next table (aligned columns): clip it
        (hs, h_in), (vs, v_in) = _clip_to(lines.horizontal, box), _clip_to(lines.vertical, box)
        if len(hs) < 2 or len(vs) < 2:
            continue
        taken_h |= h_in
        taken_v |= v_in
        out.append((box, hs, vs))
    out = join_side_by_side(out, dpi, settings)
    out += one_row_tables(lines.horizontal[~taken_h], lines.v_pieces, dpi, settings)
    out = attach_frame_lines(out, lines.vertical[~taken_v], dpi, settings)
    out.sort(key=lambda t: (t[0][1], t[0][0]))
    return out


def join_side_by_side(regions: list[tuple[Box, np.ndarray, np.ndarray]], dpi: float,
                      settings: GridSettings) -> list[tuple[Box, np.ndarray, np.ndarray]]:
    """Join table candidates that stand side by side on the same row lines.

    When the row lines of a table's label columns faded or broke away (tight
    rows whose text touches them), what is left of the label columns (a few
    short lines and their verticals) no longer touches the value columns: the
    table falls apart into candidates side by side. A candidate lying within
    the height of a larger one (within ``snap_mm``), beside it (their boxes
    overlap over at most half of its width), with horizontal lines at no
    fewer than ``side_by_side_rows`` of the larger one's line heights (within
    ``snap_mm``) is a part of it. Tables of these reports stack; two tables
    side by side do not share their rows.

    Parameters
    ----------
    regions : list of (box, horizontal, vertical)
        Table candidates from the connected line groups.
    dpi : float
    settings : GridSettings

    Returns
    -------
    list of (box, horizontal, vertical)
        The candidates, parts joined (box grown, segments concatenated).
    """
    snap = mm_to_px(settings.snap_mm, dpi)
    out = list(regions)

    def area(box: Box) -> int:
        return (box[2] - box[0]) * (box[3] - box[1])

    def part_of(small: tuple[Box, np.ndarray, np.ndarray], large: tuple[Box, np.ndarray, np.ndarray]) -> bool:
        (bx0, by0, bx1, by1), bhs, _ = small
        (ax0, ay0, ax1, ay1), ahs, _ = large
        if area(small[0]) > area(large[0]) or by0 < ay0 - snap or by1 > ay1 + snap:
            return False
        if min(ax1, bx1) - max(ax0, bx0) > 0.5 * (bx1 - bx0):
            return False
        heights_a, heights_b = _line_heights(ahs), _line_heights(bhs)
        shared = np.abs(heights_b[:, None] - heights_a[None, :]).min(axis=1) <= snap
        return _distinct(heights_b[shared], snap) >= settings.side_by_side_rows

    joined = True
    while joined:
        joined = False
        for i, j in ((i, j) for i in range(len(out)) for j in range(len(out)) if i != j):
            if part_of(out[j], out[i]):
                (ax0, ay0, ax1, ay1), ahs, avs = out[i]
                (bx0, by0, bx1, by1), bhs, bvs = out[j]
                out[i] = ((min(ax0, bx0), min(ay0, by0), max(ax1, bx1), max(ay1, by1)),
                          np.concatenate([ahs, bhs]), np.concatenate([avs, bvs]))
                del out[j]
                joined = True
                break
    return out


def _line_heights(horizontal: np.ndarray) -> np.ndarray:
    """Centre heights of horizontal segments, px."""
    return (horizontal[:, 1] + horizontal[:, 3] - 1) / 2.0


def _distinct(positions: np.ndarray, tolerance: float) -> int:
    """How many positions stand apart by more than `tolerance` (chained)."""
    if positions.size == 0:
        return 0
    return int(np.count_nonzero(np.diff(np.sort(positions)) > tolerance)) + 1


def _clip_to(segments: np.ndarray, box: Box) -> tuple[np.ndarray, np.ndarray]:
    """The segments whose centre line runs inside `box`, clipped to it, and which those are.

    Returns
    -------
    clipped : (k, 4) int ndarray
    inside : (n,) bool ndarray
        Which input segments were kept.
    """
    x0, y0, x1, y1 = box
    if len(segments) == 0:
        return segments.reshape(-1, 4), np.zeros(0, bool)
    cx = (segments[:, 0] + segments[:, 2]) / 2.0
    cy = (segments[:, 1] + segments[:, 3]) / 2.0
    clipped = np.stack([np.maximum(segments[:, 0], x0), np.maximum(segments[:, 1], y0),
                        np.minimum(segments[:, 2], x1), np.minimum(segments[:, 3], y1)], axis=1)
    horizontal = (segments[:, 2] - segments[:, 0]) >= (segments[:, 3] - segments[:, 1])
    across_in = np.where(horizontal, (cy >= y0) & (cy < y1), (cx >= x0) & (cx < x1))
    along = np.where(horizontal, clipped[:, 2] - clipped[:, 0], clipped[:, 3] - clipped[:, 1])
    inside = across_in & (along > 0)
    return clipped[inside], inside


def attach_frame_lines(regions: list[tuple[Box, np.ndarray, np.ndarray]],
                       free_v: np.ndarray, dpi: float,
                       settings: GridSettings) -> list[tuple[Box, np.ndarray, np.ndarray]]:
    """Give a table the outer vertical frame line that touches none of its lines.

    When a merged column of a table runs on across a page break, the
    table's frame line on that side may meet no crossing line on the page:
    it is a component of its own and the column is lost. A free segment is
    taken as a candidate's frame when it runs parallel to one of its sides,
    beside it (outside, at most ``frame_gap_mm`` away), and the two spans
    along the side overlap by at least ``frame_overlap`` of both the table
    side and the segment; the pieces of a broken frame line count together
    (:func:`_frame_candidates`). The candidate's box grows to include it.

    Parameters
    ----------
    regions : list of (box, horizontal, vertical)
        Table candidates from :func:`table_regions`.
    free_v : (m, 4) int ndarray
        Vertical segments that belong to no candidate, px at `dpi`. (Not
        horizontal ones: a merged row never runs across a page break, and a
        lone horizontal line above or below a table is another table's — a
        last row too low for vertical segments of its own — across a heading.)
    dpi : float
    settings : GridSettings
        Uses ``frame_gap_mm`` and ``frame_overlap``.

    Returns
    -------
    list of (box, horizontal, vertical)
        The candidates, some with a frame segment added.
    """
    max_gap = mm_to_px(settings.frame_gap_mm, dpi)
    snap = mm_to_px(settings.snap_mm, dpi)
    out = []
    for box, hs, vs in regions:
        x0, y0, x1, y1 = box
        frames = _frame_candidates(free_v, box, max_gap, snap, settings.frame_overlap) if len(free_v) else []
        # the nearest one bounds the table on each side
        for left in (True, False):
            side = [(x, pieces) for x, pieces in frames if (x < box[0]) == left]
            if not side:
                continue
            _, pieces = (max if left else min)(side, key=lambda f: f[0])
            seg = free_v[pieces]
            vs = np.concatenate([vs, seg])
            x0, y0 = min(x0, int(seg[:, 0].min())), min(y0, int(seg[:, 1].min()))
            x1, y1 = max(x1, int(seg[:, 2].max())), max(y1, int(seg[:, 3].max()))
        out.append(((x0, y0, x1, y1), hs, vs))
    return out


def _frame_candidates(free_v: np.ndarray, box: Box, max_gap: float, snap: float,
                      min_overlap: float) -> list[tuple[float, np.ndarray]]:
    """Free vertical lines that can be the frame of the candidate `box`.

    The pieces of one broken frame line (centres within `snap` px across)
    count together: their union must cover `min_overlap` of the box's height
    and of the line's own span, beside the box (outside it, at most
    `max_gap` px away).

    Returns
    -------
    list of (x, pieces)
        Centre x px of each such line and a boolean mask of its pieces in `free_v`.
    """
    x0, y0, x1, y1 = box
    centre = (free_v[:, 0] + free_v[:, 2]) / 2.0
    lo, hi = np.maximum(free_v[:, 1], y0), np.minimum(free_v[:, 3], y1)
    beside = (hi > lo) & (((free_v[:, 2] <= x0) & (x0 - free_v[:, 2] <= max_gap))
                          | ((free_v[:, 0] >= x1) & (free_v[:, 0] - x1 <= max_gap)))
    out, seen = [], np.zeros(len(free_v), bool)
    for k in np.flatnonzero(beside):
        if seen[k]:
            continue
        pieces = beside & (np.abs(centre - centre[k]) <= snap) & (((free_v[:, 2] <= x0)) == (free_v[k, 2] <= x0))
        seen |= pieces
        covered = _union_length(lo[pieces], hi[pieces])
        span = int(free_v[pieces, 3].max() - free_v[pieces, 1].min())
        if covered >= min_overlap * (y1 - y0) and covered >= min_overlap * span:
            out.append((float(centre[pieces].mean()), pieces))
    return out


def _union_length(lo: np.ndarray, hi: np.ndarray) -> int:
    """Length covered by the union of the intervals ``[lo, hi)``, px."""
    order = np.argsort(lo, kind="stable")
    lo, hi = lo[order], np.maximum.accumulate(hi[order])
    # each interval adds what it reaches past every interval before it
    reached = np.r_[lo[0], hi[:-1]]
    return int(np.maximum(hi - np.maximum(lo, reached), 0).sum())


def one_row_tables(free_h: np.ndarray, v_pieces: np.ndarray, dpi: float,
                   settings: GridSettings) -> list[tuple[Box, np.ndarray, np.ndarray]]:
    """One-row tables: two lone horizontal lines and the short verticals between them.

    The last row of a matrix carried onto the next page (四、结转下年度继续办理)
    is a table of one row: its vertical borders are a row high, shorter than
    any line segment (``LineSettings.min_line_mm``), so its two horizontal
    lines belong to no candidate. Two such lines one above the other, with the
    same extent (within ``snap_mm`` at both ends) and ``one_row_height_mm``
    apart, are a candidate when at least two line-like vertical pieces (the
    frame) run from one to the other, each end within ``one_row_touch_mm`` of
    its line: the strokes of the text in the row keep off the lines.

    Parameters
    ----------
    free_h : (n, 4) int ndarray
        Horizontal segments of no candidate, px at `dpi`.
    v_pieces : (H, W) uint8 ndarray
        Line-like vertical pieces (:class:`layout.lines.Lines`), 255 = ink.
    dpi : float
    settings : GridSettings

    Returns
    -------
    list of (box, horizontal, vertical)
        As :func:`table_regions`; the vertical segments are the pieces,
        stretched from line to line.
    """
    if len(free_h) < 2:
        return []
    snap = mm_to_px(settings.snap_mm, dpi)
    lo, hi = (mm_to_px(v, dpi) for v in settings.one_row_height_mm)
    touch = mm_to_px(settings.one_row_touch_mm, dpi) + 1
    min_w = mm_to_px(settings.min_table_width_mm, dpi)
    order = np.argsort((free_h[:, 1] + free_h[:, 3]) / 2.0, kind="stable")
    lines = free_h[order]
    out = []
    for top, bottom in zip(lines[:-1], lines[1:]):  # each line with the next one below it
        gap = (bottom[1] + bottom[3]) / 2.0 - (top[1] + top[3]) / 2.0
        if not (lo <= gap <= hi and abs(top[0] - bottom[0]) <= snap and abs(top[2] - bottom[2]) <= snap
                and top[2] - top[0] >= min_w):
            continue
        x0, x1 = int(min(top[0], bottom[0])), int(max(top[2], bottom[2]))
        y0, y1 = int(top[1]), int(bottom[3])
        _, _, stats, _ = cv2.connectedComponentsWithStats(v_pieces[y0:y1, x0:x1], connectivity=8)
        px, py, pw, ph = (stats[1:, i] for i in range(4))
        spans = (py <= (top[3] - y0) + touch) & (py + ph >= (bottom[1] - y0) - touch)
        k = int(np.count_nonzero(spans))
        if k < 2:
            continue
        vs = np.stack([x0 + px[spans], np.full(k, y0), x0 + px[spans] + pw[spans], np.full(k, y1)],
                      axis=1).astype(np.int32)
        out.append(((x0, y0, x1, y1), np.stack([top, bottom]).astype(np.int32), vs))
    return out
