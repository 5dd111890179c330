"""Grid segments restored from the alignment of the text inside cells.

A stretch of a faded or broken line that no test found joins two cells
into one merged cell. When the text inside such a cell, one row high, falls
apart into pieces, one in each column slot, with paper around every slot
border that the cell crosses (``0   2   0`` across three value columns),
the border is taken as drawn: real merged cells hold one text (a header, a
label) that runs over their slot borders or leaves slots empty. Cells
merged over rows are left as they are: a label wrapped over two lines
(``自然/人``) looks just like two numbers stacked.
"""
from __future__ import annotations

import numpy as np

from .settings import GridSettings, mm_to_px

__all__ = ["split_by_text"]


def _clear_borders(profile: np.ndarray, starts: np.ndarray, ends: np.ndarray, borders: np.ndarray,
                   clear: int, min_ink: int) -> bool:
    """Whether every slot holds ink and no ink lies within `clear` px of a border.

    Parameters
    ----------
    profile : (L,) int ndarray
        Ink count per position along the cell (projection of its text ink).
    starts, ends : (k,) int ndarray
        Slot extents along the cell, px from its start.
    borders : (k - 1,) int ndarray
        Inner slot borders, px from its start.
    clear : int
    min_ink : int
        Ink pixels a slot must hold.
    """
    prefix = np.r_[0, np.cumsum(profile)]
    held = prefix[np.clip(ends, 0, profile.size)] - prefix[np.clip(starts, 0, profile.size)]
    near = prefix[np.clip(borders + clear, 0, profile.size)] - prefix[np.clip(borders - clear, 0, profile.size)]
    return bool((held >= min_ink).all() and (near == 0).all())


def split_by_text(ink: np.ndarray, origin: tuple[int, int], row_edges: np.ndarray, col_edges: np.ndarray,
                  h_present: np.ndarray, v_present: np.ndarray, spans: np.ndarray, dpi: float,
                  settings: GridSettings) -> tuple[np.ndarray, np.ndarray]:
    """Segments inside merged cells whose text sits apart in each slot, restored.

    Parameters
    ----------
    ink : (h, w) uint8 ndarray
        Text ink of the table (1 = ink, :func:`layout.cells.text_ink`).
    origin : (x, y)
        Page px of `ink`'s top-left corner.
    row_edges, col_edges : int ndarrays
        Grid edges, page px.
    h_present, v_present : bool ndarrays
        Drawn segments (:class:`layout.grid.GridSpec`).
    spans : (k, 4) int ndarray
        ``(row, col, row_span, col_span)`` of the cells (:func:`layout.merge.merge_slots`).
    dpi : float
    settings : GridSettings
        Uses ``text_split_clear_mm``, ``min_ink_mm2`` and ``cell_inset_mm``.

    Returns
    -------
    h_present, v_present : `h_present` itself, and a copy of `v_present` with the
        restored segments.
    """
    v = v_present.copy()
    ox, oy = origin
    clear = max(1, round(mm_to_px(settings.text_split_clear_mm, dpi)))
    inset = round(mm_to_px(settings.cell_inset_mm, dpi))
    min_ink = max(1, round(settings.min_ink_mm2 * mm_to_px(1.0, dpi) ** 2))
    for row, col, rs, cs in spans[(spans[:, 2] == 1) & (spans[:, 3] > 1)]:
        x0, x1 = int(col_edges[col]) - ox, int(col_edges[col + cs]) - ox
        y0, y1 = int(row_edges[row]) - oy, int(row_edges[row + 1]) - oy
        cell = ink[max(y0 + inset, 0):y1 - inset, max(x0 + inset, 0):x1 - inset]
        if cell.size == 0:
            continue
        xs = col_edges[col:col + cs + 1] - col_edges[col] - inset
        if _clear_borders(cell.sum(axis=0), xs[:-1], xs[1:], xs[1:-1], clear, min_ink):
            v[row, col + 1:col + cs] = True
    return h_present, v
