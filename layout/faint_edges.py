"""Grid edges that no line segment gave: faint lines found across the whole table.

A column line of a table that is faded or broken over most of its length
leaves pieces too short or too sparse to chain into a segment
(:func:`layout.lines.join_collinear`), so the grid misses that edge and the
cells on both sides come out as one. Summed down the whole table, though,
such a line still stands out: its thin darkness lies on one position, row
after row, while the strokes of the text scatter (and the text itself is
left out of the sum). Such positions are proposed as candidate edges; the grid's segment test
(:func:`layout.presence.segment_presence`) then decides slot by slot which
of their segments are drawn, and a candidate with none is dropped, as any
edge is.

A shaded cell (a Word table style's grey header rows) ends on a border that
may have faded into the shading: there the evidence is the step in grey
from the shading to the paper, the same in every column of the table
(:func:`shading_edges`).
"""
from __future__ import annotations

import cv2
import numpy as np

from .settings import GridSettings, mm_to_px

__all__ = ["profile_peaks", "off_ink_darkness", "faint_edges", "shading_edges"]


def profile_peaks(profile: np.ndarray, min_value: float, spacing: int) -> np.ndarray:
    """Positions of the local maxima of a 1-D profile.

    Parameters
    ----------
    profile : (n,) float ndarray
    min_value : float
        A peak is at least this high.
    spacing : int
        A peak is the highest value within ±`spacing` positions (the first
        of a flat top).

    Returns
    -------
    (k,) int64 ndarray
        Sorted positions.
    """
    n = profile.size
    if n == 0:
        return np.zeros(0, np.int64)
    padded = np.pad(profile, spacing, constant_values=-np.inf)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * spacing + 1)
    top = windows.max(axis=1)
    first = np.argmax(windows == top[:, None], axis=1) == spacing
    return np.flatnonzero((profile >= min_value) & (profile >= top) & first).astype(np.int64)


def off_ink_darkness(dark: np.ndarray, ink: np.ndarray, axis: int) -> np.ndarray:
    """Mean darkness off the ink, per column (`axis` 0) or per row (`axis` 1).

    Parameters
    ----------
    dark : (h, w) uint8 ndarray
        Darkness below the paper (grey levels).
    ink : (h, w) uint8 ndarray
        Ink (nonzero), left out of the mean.
    axis : int
        0: one value per column, the mean down it; 1: per row, across it.

    Returns
    -------
    (w,) or (h,) float64 ndarray
        Grey levels; 0 where the ink covers the whole column (row).
    """
    clear = (ink == 0).view(np.uint8)
    sums = cv2.reduce(cv2.multiply(dark, clear), axis, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel()
    counts = cv2.reduce(clear, axis, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel()
    return sums / np.maximum(counts, 1)


def faint_edges(darkness: np.ndarray, edges: np.ndarray, dpi: float, settings: GridSettings) -> np.ndarray:
    """Candidate edges of one direction between the edges a table already has.

    Parameters
    ----------
    darkness : (n,) float ndarray
        Mean darkness off the ink at each position across the direction, over
        the table's whole extent along it (:func:`off_ink_darkness`; position
        0 is the table's first edge). Only the darkness off the ink counts: a
        line that ink holds is a segment already, and text (strokes aligned on
        a baseline or down a column) must not pass for a line.
    edges : (C + 1,) int ndarray
        The table's edges across the direction, px from its first edge, sorted.
    dpi : float
    settings : GridSettings
        Uses ``faint_edge_min_contrast``, ``min_cell_mm``, ``snap_mm`` and
        ``profile_flank_mm``.

    Returns
    -------
    (k,) int64 ndarray
        Positions (px from the first edge) at least ``min_cell_mm`` from every
        edge and inside the table, sorted.
    """
    lo, hi = int(edges[0]), int(edges[-1])
    if hi - lo < 3 or darkness.size < 3:
        return np.zeros(0, np.int64)
    darkness = np.asarray(darkness[lo:hi], np.float64)
    far = max(2, round(mm_to_px(settings.profile_flank_mm[1], dpi)))
    near = max(1, round(mm_to_px(settings.profile_flank_mm[0], dpi)))
    padded = np.pad(darkness, far, mode="edge")
    before = np.stack([padded[far - k: far - k + darkness.size] for k in range(near, far + 1)]).mean(axis=0)
    after = np.stack([padded[far + k: far + k + darkness.size] for k in range(near, far + 1)]).mean(axis=0)
    contrast = darkness - np.maximum(before, after)
    spacing = max(1, round(mm_to_px(settings.snap_mm, dpi)))
    found = profile_peaks(contrast, settings.faint_edge_min_contrast, spacing) + lo
    min_gap = mm_to_px(settings.min_cell_mm, dpi)
    distance = np.abs(found[:, None] - np.asarray(edges)[None, :]).min(axis=1)
    found = found[distance >= min_gap]
    if found.size < 2:
        return found
    keep = np.r_[True, np.diff(found) >= min_gap]  # one candidate per line
    return found[keep]


def shading_edges(gray: np.ndarray, text: np.ndarray, rows: np.ndarray, cols: np.ndarray, dpi: float,
                  settings: GridSettings) -> np.ndarray:
    """Candidate row edges where a shaded band of the table ends.

    Parameters
    ----------
    gray : (H, W) uint8 ndarray
        Smoothed grey page (0 black … 255 white), px at `dpi`.
    text : (H, W) uint8 ndarray
        Ink (nonzero) left out of the grey means: the text and the line
        pieces, widened by their blur (a line in a flank is no shading).
    rows, cols : (R + 1,), (C + 1,) int ndarrays
        The table's edges so far, px in `gray`, sorted.
    dpi : float
    settings : GridSettings
        Uses ``shading_min_step`` (grey levels), ``shading_min_share``,
        ``shading_flank_mm``, ``min_cell_mm`` and ``snap_mm``.

    Returns
    -------
    (k,) int64 ndarray
        Rows (px in `gray`) where, in at least ``shading_min_share`` of the
        columns, the mean grey off the text over ``shading_flank_mm`` above and
        below differs by ``shading_min_step`` or more (a step, not a thin line:
        the flanks leave the line itself out), at least ``min_cell_mm`` from
        every edge, sorted. Uneven light changes the grey over centimetres, a
        shaded cell's edge within the line's width.
    """
    r0, r1, c0, c1 = int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])
    near = max(1, round(mm_to_px(settings.shading_flank_mm[0], dpi)))
    far = max(near + 1, round(mm_to_px(settings.shading_flank_mm[1], dpi)))
    if r1 - r0 <= 2 * far or c1 <= c0 or len(cols) < 2:
        return np.zeros(0, np.int64)
    crop = (slice(r0, r1), slice(c0, c1))
    clear = (text[crop] == 0).astype(np.float32)
    grey = gray[crop].astype(np.float32) * clear
    # per column: grey and paper counts summed over each row of the column
    bounds = np.asarray(cols, np.int64) - c0
    x_sum = np.zeros((grey.shape[0], grey.shape[1] + 1), np.float32)
    x_cnt = np.zeros_like(x_sum)
    np.cumsum(grey, axis=1, out=x_sum[:, 1:])
    np.cumsum(clear, axis=1, out=x_cnt[:, 1:])
    col_sum = x_sum[:, bounds[1:]] - x_sum[:, bounds[:-1]]  # (h, C)
    col_cnt = x_cnt[:, bounds[1:]] - x_cnt[:, bounds[:-1]]
    y_sum = np.vstack([np.zeros((1, col_sum.shape[1]), np.float64), np.cumsum(col_sum, axis=0, dtype=np.float64)])
    y_cnt = np.vstack([np.zeros((1, col_cnt.shape[1]), np.float64), np.cumsum(col_cnt, axis=0, dtype=np.float64)])
    y = np.arange(far, grey.shape[0] - far)

    def mean(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        count = y_cnt[b] - y_cnt[a]
        return np.where(count > 0, (y_sum[b] - y_sum[a]) / np.maximum(count, 1), np.nan)

    above = mean(y - far, y - near + 1)
    below = mean(y + near, y + far + 1)
    step = np.abs(above - below)  # (len(y), C); nan where a flank is all text
    share = np.nansum(step >= settings.shading_min_step, axis=1) / step.shape[1]
    strength = np.where(share >= settings.shading_min_share, np.nan_to_num(step).mean(axis=1), 0.0)
    spacing = max(1, round(mm_to_px(settings.snap_mm, dpi)))
    found = profile_peaks(strength, settings.shading_min_step * settings.shading_min_share, spacing) + far + r0
    min_gap = mm_to_px(settings.min_cell_mm, dpi)
    distance = np.abs(found[:, None] - np.asarray(rows)[None, :]).min(axis=1)
    return found[distance >= min_gap]
