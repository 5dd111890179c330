"""Merged cells from the drawn segments of a grid.

Slots of the grid not separated by a drawn segment form one cell (connected
components of a slot graph). A merged cell is a rectangle of slots, so a
component that is none was joined through a missed segment:
:func:`complete_segments` restores short runs of missed segments of drawn
lines inside such components, and :func:`merge_slots` splits what is still
not rectangular into rectangles.
"""
from __future__ import annotations

import cv2
import numpy as np

__all__ = ["complete_segments", "merge_slots"]


def _slot_labels(h_present: np.ndarray, v_present: np.ndarray) -> np.ndarray:
    """(R, C) component label of every grid slot: slots not separated by a drawn segment."""
    n_rows, n_cols = v_present.shape[0], h_present.shape[1]
    graph = np.zeros((2 * n_rows - 1, 2 * n_cols - 1), np.uint8)
    graph[::2, ::2] = 1
    graph[::2, 1::2] = ~v_present[:, 1:-1]
    graph[1::2, ::2] = ~h_present[1:-1, :]
    _, labels = cv2.connectedComponents(graph, connectivity=4)
    return labels[::2, ::2].astype(np.int64)


def _component_boxes(slots: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per component label of `slots`: first/last row and column, and slot count.

    Returns
    -------
    r0, r1, c0, c1, area : (L,) int ndarrays indexed by label (L = max label + 1).
    """
    n_rows, n_cols = slots.shape
    flat = slots.ravel()
    size = int(flat.max()) + 1
    r_idx, c_idx = np.indices(slots.shape)
    r0 = np.full(size, n_rows); r1 = np.full(size, -1)
    c0 = np.full(size, n_cols); c1 = np.full(size, -1)
    np.minimum.at(r0, flat, r_idx.ravel()); np.maximum.at(r1, flat, r_idx.ravel())
    np.minimum.at(c0, flat, c_idx.ravel()); np.maximum.at(c1, flat, c_idx.ravel())
    return r0, r1, c0, c1, np.bincount(flat, minlength=size)


def _non_rectangular(slots: np.ndarray) -> np.ndarray:
    """(R, C) bool: slots whose component is not a rectangle of slots."""
    r0, r1, c0, c1, area = _component_boxes(slots)
    return ((r1 - r0 + 1) * (c1 - c0 + 1) != area)[slots]


def _bounded_gaps(present: np.ndarray, max_run: int) -> np.ndarray:
    """Missing segments lying in a short run between two drawn ones, along axis 1.

    Parameters
    ----------
    present : (n, m) bool ndarray
        Drawn segments, one line per row, in order along it.
    max_run : int
        Longest run of missing segments that counts.

    Returns
    -------
    (n, m) bool ndarray
        True where a segment is missing and the drawn segments before and
        after it on its line are at most ``max_run`` + 1 apart (the table
        frame does not count: a line that stops at the frame may just end).
    """
    n, m = present.shape
    idx = np.broadcast_to(np.arange(m), (n, m))
    prev = np.maximum.accumulate(np.where(present, idx, -1), axis=1)
    after = np.where(present, idx, m)[:, ::-1]
    nxt = np.minimum.accumulate(after, axis=1)[:, ::-1]
    return ~present & (prev >= 0) & (nxt < m) & (nxt - prev - 1 <= max_run)


def _with_inner_lines(slots: np.ndarray, h_present: np.ndarray, v_present: np.ndarray) -> np.ndarray:
    """(R, C) bool: slots whose component has a drawn segment between two of its slots."""
    inner_h = h_present[1:-1] & (slots[:-1] == slots[1:])
    inner_v = v_present[:, 1:-1] & (slots[:, :-1] == slots[:, 1:])
    labels = np.r_[slots[:-1][inner_h], slots[:, :-1][inner_v]]
    flagged = np.zeros(int(slots.max()) + 1, bool)
    flagged[labels] = True
    return flagged[slots]


def complete_segments(h_present: np.ndarray, v_present: np.ndarray,
                      max_run: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Restore segments of lines that were missed where a merged cell cannot be.

    A merged cell is a rectangle of slots with no line drawn inside it.
    Where the slots joined by missing segments form no rectangle, or hold a
    drawn segment between two of their own slots, some stretch of a drawn
    line was missed (a gap too long, a stretch faded away): inside such a
    component, a run of at most `max_run` missing segments between two drawn
    segments of the same line is taken as drawn. One pass on the segments as
    found, so a restored segment never vouches for the next (which would cut
    through real merged cells); consistent merges are never touched.

    Parameters
    ----------
    h_present : (R + 1, C) bool ndarray
    v_present : (R, C + 1) bool ndarray
    max_run : int
        (GridSettings.max_restored_run.)

    Returns
    -------
    h_present, v_present : the completed copies.
    """
    h, v = h_present.copy(), v_present.copy()
    slots = _slot_labels(h, v)
    bad = _non_rectangular(slots) | _with_inner_lines(slots, h_present, v_present)
    if not bad.any():
        return h, v
    # horizontal segment between slot rows r-1 and r, inside one bad component
    inner_h = (slots[:-1] == slots[1:]) & bad[1:]
    h[1:-1] |= inner_h & _bounded_gaps(h_present[1:-1], max_run)
    inner_v = (slots[:, :-1] == slots[:, 1:]) & bad[:, 1:]
    v[:, 1:-1] |= inner_v & _bounded_gaps(v_present[:, 1:-1].T, max_run).T
    return h, v


def _split_into_rectangles(slots: np.ndarray, label: int, next_label: int) -> int:
    """Relabel one non-rectangular component as rectangles of slots, in place.

    Greedy from the top-left slot: as wide as the component runs along that
    row, then as deep as every row below holds that whole width; repeated on
    what is left. The missed segments (the reason the component is no
    rectangle) become cell borders; the first rectangle keeps `label`.

    Returns
    -------
    int
        The next unused label.
    """
    left = slots == label
    first = True
    while left.any():
        r, c = np.argwhere(left)[0]
        row = left[r, c:]
        w = int(np.argmin(row)) if not row.all() else row.size
        block = left[r:, c:c + w].all(axis=1)
        h = int(np.argmin(block)) if not block.all() else block.size
        if not first:
            slots[r:r + h, c:c + w] = next_label
            next_label += 1
        left[r:r + h, c:c + w] = False
        first = False
    return next_label


def merge_slots(h_present: np.ndarray, v_present: np.ndarray) -> np.ndarray:
    """Merged cells as rectangles of grid slots.

    Slots are joined where no segment separates them (4-connected components
    of a slot graph). A merged cell is a rectangle: a component that is none
    was joined through a missed segment, so it is split into rectangles
    (:func:`_split_into_rectangles`) rather than grown to its bounding box,
    which would swallow every cell it overlaps and, through them, the table.
    Call :func:`complete_segments` first to restore missed segments of
    drawn lines.

    Parameters
    ----------
    h_present : (R + 1, C) bool ndarray
    v_present : (R, C + 1) bool ndarray

    Returns
    -------
    (k, 4) int64 ndarray
        ``(row, col, row_span, col_span)`` per cell, sorted by row then col.
    """
    slots = _slot_labels(h_present, v_present)
    r0, r1, c0, c1, area = _component_boxes(slots)
    ids = np.unique(slots)
    bad = ids[(r1[ids] - r0[ids] + 1) * (c1[ids] - c0[ids] + 1) != area[ids]]
    next_label = int(slots.max()) + 1
    for label in bad:
        next_label = _split_into_rectangles(slots, int(label), next_label)
    if bad.size:
        r0, r1, c0, c1, area = _component_boxes(slots)
        ids = np.unique(slots)
    cells = np.stack([r0[ids], c0[ids], r1[ids] - r0[ids] + 1, c1[ids] - c0[ids] + 1], axis=1)
    return cells[np.lexsort((cells[:, 1], cells[:, 0]))]
