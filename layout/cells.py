"""Cells of a table grid and their text: merged cells, text ink, text lines.

From a grid (:class:`layout.grid.GridSpec`: edges and drawn segments) the
slots not separated by a drawn segment form merged cells
(:func:`layout.merge.merge_slots`); the table's text ink is the mask without
its lines and their remains (:func:`text_ink`), counted per cell with an
integral image; each non-empty cell's ink is cut into text lines and pieces
of lines (:func:`text_boxes`), the boxes OCR reads.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .alignment import split_by_text
from .grid import GridSpec
from .lines import side_ink
from .merge import merge_slots
from .settings import GridSettings, mm_to_px
from .types import Box, Cell, Table

__all__ = [
    "near_positions",
    "text_ink",
    "clear_missed_line_remains",
    "cell_ink_counts",
    "split_text_lines",
    "split_pieces",
    "text_boxes",
    "build_table",
]


def near_positions(positions: np.ndarray, size: int, reach: int) -> np.ndarray:
    """(size,) bool: True within `reach` px of any of `positions` (px, 0 … size)."""
    steps = np.zeros(size + 1, np.int32)
    pos = np.asarray(positions, np.int64)
    np.add.at(steps, np.clip(pos - reach, 0, size), 1)
    np.add.at(steps, np.clip(pos + reach + 1, 0, size), -1)
    return np.cumsum(steps[:size]) > 0


def _positions_of_lines(runs: np.ndarray, ink: np.ndarray, dpi: float, settings: GridSettings,
                        vertical: bool) -> np.ndarray:
    """Positions across the direction (rows of horizontal runs, columns of
    vertical ones; px of `runs`) covered by a run with paper along both sides:
    ink covers at most ``remnant_max_side_ink`` of the bands ``side_offset_mm``
    beyond it, ``side_width_mm`` wide (px at `dpi`).

    A connected run spans every row (column) of its box, so the boxes give the
    positions without a per-pixel look-up of the labels.
    """
    n, _, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    if n <= 1:
        return np.zeros(0, np.int64)
    stats = stats[1:].astype(np.int64)
    boxes = np.c_[stats[:, 0], stats[:, 1], stats[:, 0] + stats[:, 2], stats[:, 1] + stats[:, 3]]
    offset = max(1, round(mm_to_px(settings.remnant_side_mm[0], dpi)))
    width = max(1, round(mm_to_px(settings.remnant_side_mm[1], dpi)))
    lines = boxes[side_ink(ink, boxes, offset, width, vertical) <= settings.remnant_max_side_ink]
    start, end = (lines[:, 0], lines[:, 2]) if vertical else (lines[:, 1], lines[:, 3])
    covered = np.zeros(runs.shape[1 if vertical else 0] + 1, np.int32)
    np.add.at(covered, start, 1)
    np.add.at(covered, end, -1)
    return np.flatnonzero(np.cumsum(covered[:-1]) > 0)


def text_ink(mask: np.ndarray, spec: GridSpec, dpi: float, settings: GridSettings,
             remnants: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, Box]:
    """Text ink of one table: the mask without its grid lines and specks.

    Bands of ``band_mm + line_clear_mm`` around every *drawn* segment are
    cleared (a dash "—" inside a cell is kept). Along a segment judged not
    drawn, only the line-like ink of `remnants` (``(h_pieces, v_pieces)``,
    :class:`layout.lines.Lines`, page px) in that band is cleared: what is
    left of a broken line there is not text, and left in it would join two
    cells' texts into one. Line-like pieces longer than ``remnant_length_mm``
    are cleared wherever they lie, and, when such a piece has paper along
    both sides (a line, not strokes of stacked characters), so are the
    shorter ones on the same line (within the band), in any row: a column line the grid lost, of
    which a stub is left between two numbers, reads as "1" (``3 1 0``). Components smaller than ``speck_mm2`` are
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
        for pieces, shape, across in ((h_pieces, (long_px, 1), 1), (v_pieces, (1, long_px), 0)):
            # an opening keeps the runs at least that long (cheaper than components)
            runs = cv2.morphologyEx(pieces.astype(np.uint8), cv2.MORPH_OPEN,
                                    cv2.getStructuringElement(cv2.MORPH_RECT, shape))
            # the shorter pieces on the same line are what else is left of it,
            # when the long one is a line: paper on both sides (a chain of
            # strokes through stacked characters has their other strokes)
            on_line = _positions_of_lines(runs, ink, dpi, settings, vertical=across == 0)
            ink[runs > 0] = 0
            band = near_positions(on_line, pieces.shape[1 - across], clear)
            band = band[None, :] if across == 0 else band[:, None]
            # with the blurred fringe of the stroke, across the line
            fringe = cv2.dilate((pieces & band).astype(np.uint8), np.ones((1, 3) if across == 0 else (3, 1), np.uint8))
            ink[(fringe > 0) & band] = 0
    clear_missed_line_remains(ink, r, c, spec.v_present, clear,
                              max(1, round(mm_to_px(settings.min_text_line_mm, dpi))))
    speck = mm_to_px(1.0, dpi) ** 2 * settings.speck_mm2
    if speck >= 1:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
        keep = stats[:, cv2.CC_STAT_AREA] >= speck
        keep[0] = False
        ink = np.take(keep.astype(np.uint8), labels)  # faster than keep[labels]
    return ink, (x0, y0, x1, y1)


def clear_missed_line_remains(ink: np.ndarray, rows: np.ndarray, cols: np.ndarray, v_present: np.ndarray,
                              clear: int, min_text_px: int) -> None:
    """Clear, in place, the ink lying wholly within a missed vertical line's band.

    Where a vertical segment between two slots of one row is judged not drawn
    and both slots hold text clear of the band (cells joined by a missed
    line, ``28 ¦ 11``), the ink components that lie wholly inside the band
    are what is left of the line (dashes too short to be line pieces): left
    in, they would join the two texts into one (``2811``). A merged cell with
    one text over the band (a centred label or number) keeps it, also with
    specks beside it.

    Parameters
    ----------
    ink : (h, w) uint8 ndarray
        Text ink of the table box (1), modified in place.
    rows, cols : int ndarray
        Edges in `ink` coordinates, px.
    v_present : (R, C + 1) bool ndarray
    clear : int
        Half width of the band, px.
    min_text_px : int
        A slot holds text when a component outside the band is at least this
        high (px; specks are not text).
    """
    for i, j in zip(*np.nonzero(~v_present[:, 1:-1])):
        j += 1
        y0, y1 = int(rows[i]), int(rows[i + 1])
        x0, x1 = int(cols[j - 1]), int(cols[j + 1])
        pair = ink[y0:y1, x0:x1]
        if not pair.any():
            continue
        _, labels, stats, _ = cv2.connectedComponentsWithStats(pair, connectivity=8)
        lo, hi = max(int(cols[j]) - clear, 0) - x0, int(cols[j]) + clear + 1 - x0
        left = stats[:, cv2.CC_STAT_LEFT]
        right, tall = left + stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT] >= min_text_px
        inside = (left >= lo) & (right <= hi)
        inside[0] = False
        text_left = (tall & (right <= lo))[1:].any()
        text_right = (tall & (left >= hi))[1:].any()
        if inside.any() and text_left and text_right:
            pair[inside[labels]] = 0


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
