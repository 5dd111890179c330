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

import numpy as np

from .settings import GridSettings, mm_to_px

__all__ = ["profile_peaks", "faint_edges"]


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


def faint_edges(dark: np.ndarray, ink: np.ndarray, edges: np.ndarray,
                span: tuple[int, int], dpi: float, settings: GridSettings) -> np.ndarray:
    """Candidate edges of one direction between the edges a table already has.

    Parameters
    ----------
    dark : (H, W) uint8 ndarray
        Darkness below the paper off the text, lines along axis 0
        (:class:`layout.lines.Lines` ``dark_v``; transpose ``dark_h``).
    ink : (H, W) uint8 ndarray
        Ink (nonzero), same frame: text and the line segments of the
        direction. Only the darkness off the ink is summed — a line that ink
        holds is a segment already, and text (strokes aligned on a baseline
        or down a column) must not pass for a line.
    edges : (C + 1,) int ndarray
        The table's edges across the direction, px, sorted.
    span : (int, int)
        The table's extent along the direction, px.
    dpi : float
    settings : GridSettings
        Uses ``faint_edge_min_contrast``, ``min_cell_mm``, ``snap_mm`` and
        ``profile_flank_mm``.

    Returns
    -------
    (k,) int64 ndarray
        Positions (px, in the page frame) at least ``min_cell_mm`` from every
        edge and inside the table, sorted.
    """
    lo, hi = int(edges[0]), int(edges[-1])
    y0, y1 = span
    if hi - lo < 3 or y1 - y0 < 3:
        return np.zeros(0, np.int64)
    window = slice(y0, y1)
    # mean darkness per position, off the ink
    clear = ink[window, lo:hi] == 0
    darkness = (dark[window, lo:hi].astype(np.float64) * clear).sum(axis=0) / np.maximum(clear.sum(axis=0), 1)
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
