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
"""
from __future__ import annotations

import cv2
import numpy as np

from .settings import GridSettings, mm_to_px

__all__ = ["profile_peaks", "off_ink_darkness", "faint_edges"]


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
