"""Table candidates: groups of ruling lines that hang together on a page.

The line pieces of both directions (:class:`layout.lines.Lines`) are joined
(dilated along each line over the gaps of a broken line, across it only by
the snap) and split into connected components; each large enough is a table
candidate, with its segments clipped to it. A lone frame line beside a
candidate is attached as its outer border (:func:`attach_frame_lines`).
"""
from __future__ import annotations

import cv2
import numpy as np

from .lines import Lines
from .settings import GridSettings, mm_to_px
from .types import Box

__all__ = ["table_regions", "attach_frame_lines"]


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
    free_h = lines.horizontal[~taken_h]
    free_v = lines.vertical[~taken_v]
    out = attach_frame_lines(out, free_h, free_v, dpi, settings)
    out.sort(key=lambda t: (t[0][1], t[0][0]))
    return out


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


def attach_frame_lines(regions: list[tuple[Box, np.ndarray, np.ndarray]], free_h: np.ndarray,
                       free_v: np.ndarray, dpi: float,
                       settings: GridSettings) -> list[tuple[Box, np.ndarray, np.ndarray]]:
    """Give a table the outer frame line that touches none of its lines.

    When a merged column (row) of a table runs on across a page break, the
    table's frame line on that side may meet no crossing line on the page:
    it is a component of its own and the column is lost. A free segment is
    taken as a candidate's frame when it runs parallel to one of its sides,
    beside it (outside, at most ``frame_gap_mm`` away), and the two spans
    along the side overlap by at least ``frame_overlap`` of both the table
    side and the segment. The candidate's box grows to include it.

    Parameters
    ----------
    regions : list of (box, horizontal, vertical)
        Table candidates from :func:`table_regions`.
    free_h, free_v : (n, 4), (m, 4) int ndarray
        Segments that belong to no candidate, px at `dpi`.
    dpi : float
    settings : GridSettings
        Uses ``frame_gap_mm`` and ``frame_overlap``.

    Returns
    -------
    list of (box, horizontal, vertical)
        The candidates, some with a frame segment added.
    """
    max_gap = mm_to_px(settings.frame_gap_mm, dpi)
    out = []
    for box, hs, vs in regions:
        x0, y0, x1, y1 = box
        for vertical, free in ((True, free_v), (False, free_h)):
            if len(free) == 0:
                continue
            # along: extent along the line; side: lo/hi position across it
            a0, a1, t0, t1 = (y0, y1, x0, x1) if vertical else (x0, x1, y0, y1)
            f_a0, f_a1 = (free[:, 1], free[:, 3]) if vertical else (free[:, 0], free[:, 2])
            f_t0, f_t1 = (free[:, 0], free[:, 2]) if vertical else (free[:, 1], free[:, 3])
            overlap = np.minimum(f_a1, a1) - np.maximum(f_a0, a0)
            covers = ((overlap >= settings.frame_overlap * (a1 - a0))
                      & (overlap >= settings.frame_overlap * (f_a1 - f_a0)))
            before = (f_t1 <= t0) & (t0 - f_t1 <= max_gap)
            after = (f_t0 >= t1) & (f_t0 - t1 <= max_gap)
            for side in (before, after):
                pick = np.nonzero(covers & side)[0]
                if pick.size == 0:
                    continue
                # the nearest one bounds the table on this side
                k = pick[np.argmax(f_t1[pick])] if side is before else pick[np.argmin(f_t0[pick])]
                seg = free[k:k + 1]
                if vertical:
                    vs = np.concatenate([vs, seg])
                else:
                    hs = np.concatenate([hs, seg])
                x0, y0 = min(x0, int(seg[0, 0])), min(y0, int(seg[0, 1]))
                x1, y1 = max(x1, int(seg[0, 2])), max(y1, int(seg[0, 3]))
        out.append(((x0, y0, x1, y1), hs, vs))
    return out
