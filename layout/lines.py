"""Ruling-line detection from the evidence along each line.

Per direction: ink plus the faint ink of that direction (faded lines, see
:func:`layout.binarize.ink_masks`); an opening with a short kernel drops most
text strokes and a closing joins small gaps, giving line *pieces*; pieces that
lie on one line are chained over the gaps of a broken line
(:func:`join_collinear`) when they cover most of its length. The
short-opened, gap-closed mask (``*_ruling``) is kept: the grid stage measures
how much of each candidate grid segment it covers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from .binarize import InkMasks
from .settings import LineSettings, mm_to_px

__all__ = ["Lines", "detect_lines", "line_masks", "join_collinear", "paint_segments"]


@dataclass(frozen=True)
class Lines:
    """Ruling lines of one page.

    horizontal : (n, 4) int32 ndarray
        Boxes ``(x0, y0, x1, y1)`` (x1/y1 exclusive) of horizontal line
        segments, px at the page dpi, gaps of broken lines bridged.
    vertical : (m, 4) int32 ndarray
        Same for vertical segments.
    h_ruling, v_ruling : (H, W) uint8 ndarray
        Ruling-ink masks (255 = ink) before the minimum-length filter, used to
        test which grid segments are drawn.
    h_long, v_long : (H, W) uint8 ndarray
        The ink of the segments: their line pieces, without the gaps that
        :func:`join_collinear` bridged.
    h_pieces, v_pieces : (H, W) uint8 ndarray
        The line-like pieces of each direction, chained into segments or not
        (:func:`join_collinear`): what the warp estimate
        (:mod:`layout.rectify`) measures.
    dark_h, dark_v : (H, W) uint8 ndarray
        Darkness below the paper (:class:`layout.binarize.InkMasks`) off the
        text ink, the line pieces of that direction kept: what a faded line
        leaves and a character does not, for the grid's profile test
        (:mod:`layout.presence`).
    text : (H, W) uint8 ndarray
        The ink that is not on a line (255): text, for the same test.
    gray : (H, W) uint8 ndarray or None
        The smoothed grey page (:class:`layout.binarize.InkMasks`): where a
        shaded cell ends, for the grid's candidate edges.
    """

    horizontal: np.ndarray
    vertical: np.ndarray
    h_ruling: np.ndarray = field(repr=False)
    v_ruling: np.ndarray = field(repr=False)
    h_long: np.ndarray = field(repr=False)
    v_long: np.ndarray = field(repr=False)
    h_pieces: np.ndarray = field(repr=False)
    v_pieces: np.ndarray = field(repr=False)
    dark_h: np.ndarray = field(repr=False)
    dark_v: np.ndarray = field(repr=False)
    text: np.ndarray = field(repr=False)
    gray: np.ndarray | None = field(default=None, repr=False)


def _kernel(length: int, vertical: bool) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_RECT, (1, length) if vertical else (length, 1))


def line_masks(ink: np.ndarray, faint: np.ndarray, dpi: float, settings: LineSettings,
               vertical: bool) -> tuple[np.ndarray, np.ndarray]:
    """Ruling-ink mask and line-piece mask along one direction.

    Parameters
    ----------
    ink : (H, W) uint8 ndarray
        Ink mask at `dpi`, 255 = ink.
    faint : (H, W) uint8 ndarray
        Faint ink of this direction missing from `ink` (255 = ink,
        :class:`layout.binarize.InkMasks`). Runs of ink or faint ink at least
        ``faint_stroke_mm`` long along the direction (faded ruling, not the
        halo of text strokes) are added to `ink` first.
    dpi : float
    settings : LineSettings
        Uses ``ruling_stroke_mm``, ``min_stroke_mm``, ``gap_mm`` and
        ``faint_stroke_mm``.
    vertical : bool
        Direction of the lines sought.

    Returns
    -------
    ruling : (H, W) uint8 ndarray
        Runs of at least ``ruling_stroke_mm`` along the direction, with gaps
        up to ``gap_mm`` closed (keeps the short pieces of broken lines).
    pieces : (H, W) uint8 ndarray
        Runs of at least ``min_stroke_mm``, gaps up to ``gap_mm`` closed: the
        pieces that :func:`join_collinear` chains into lines.
    """
    stroke = max(2, round(mm_to_px(settings.min_stroke_mm, dpi)))
    short = max(2, round(mm_to_px(settings.ruling_stroke_mm, dpi)))
    gap = max(1, round(mm_to_px(settings.gap_mm, dpi)))
    closing = _kernel(gap, vertical)
    # the run is measured on ink and faint ink together: a faded line that a
    # resampling (deskew) or uneven fading leaves partly above and partly
    # below the text threshold is one run, not pieces too short to count
    run = _kernel(max(2, round(mm_to_px(settings.faint_stroke_mm, dpi))), vertical)
    line_ink = cv2.max(ink, cv2.morphologyEx(cv2.max(ink, faint), cv2.MORPH_OPEN, run))
    ruling = cv2.morphologyEx(cv2.morphologyEx(line_ink, cv2.MORPH_OPEN, _kernel(short, vertical)),
                              cv2.MORPH_CLOSE, closing)
    pieces = cv2.morphologyEx(cv2.morphologyEx(line_ink, cv2.MORPH_OPEN, _kernel(stroke, vertical)),
                              cv2.MORPH_CLOSE, closing)
    return ruling, pieces


def cut_at_crossings(pieces: np.ndarray, crossings: np.ndarray, dpi: float, settings: LineSettings,
                     vertical: bool) -> np.ndarray:
    """`pieces` of one direction with the unbroken lines of the other taken out.

    Parameters
    ----------
    pieces : (H, W) uint8 ndarray
        Line pieces along the direction (`vertical`), 255 = ink.
    crossings : (H, W) uint8 ndarray
        Unbroken lines of the other direction (:func:`crossing_lines`), removed
        from `pieces` widened by one px on each side and by half
        ``max_thickness_mm`` past their ends.
    dpi : float
    settings : LineSettings
    vertical : bool

    Returns
    -------
    (H, W) uint8 ndarray
    """
    # one px across, and on along past the ends, so a line that meets the end
    # of a crossing line (a T) is cut across its whole width too
    reach = 2 * max(1, round(mm_to_px(settings.max_thickness_mm, dpi) / 2)) + 1
    lines = cv2.dilate(crossings, np.ones((3, reach) if vertical else (reach, 3), np.uint8))
    return cv2.bitwise_and(pieces, cv2.bitwise_not(lines))


def crossing_lines(pieces: np.ndarray, dpi: float, settings: LineSettings, vertical: bool) -> np.ndarray:
    """Runs of `pieces` (one direction, `vertical`) at least ``min_line_mm`` long: lines."""
    length = max(2, round(mm_to_px(settings.min_line_mm, dpi)))
    return cv2.morphologyEx(pieces, cv2.MORPH_OPEN, _kernel(length, vertical))


def _crossing_counter(crossings: np.ndarray, vertical: bool):
    """A function (lo, hi, across) -> number of crossing-line px on [lo, hi) along the line."""
    integral = cv2.integral((crossings > 0).astype(np.uint8), sdepth=cv2.CV_32S)
    length = crossings.shape[0 if vertical else 1]
    width = crossings.shape[1 if vertical else 0]

    def count(lo: np.ndarray, hi: np.ndarray, across: np.ndarray) -> np.ndarray:
        lo = np.clip(lo, 0, length).astype(np.int64)
        hi = np.maximum(np.clip(hi, 0, length).astype(np.int64), lo)
        c0 = np.clip(across, 0, width - 1).astype(np.int64)
        c1 = c0 + 1
        if vertical:  # rows lo..hi of column c0
            return integral[hi, c1] - integral[lo, c1] - integral[hi, c0] + integral[lo, c0]
        return integral[c1, hi] - integral[c0, hi] - integral[c1, lo] + integral[c0, lo]

    return count


def _reaches_crossings(crossings: np.ndarray | None, a0: np.ndarray, a1: np.ndarray, before: np.ndarray,
                       across: np.ndarray, starts: np.ndarray, run: np.ndarray, n: int, touch: int,
                       vertical: bool) -> np.ndarray:
    """Per run: False when it bridges a crossing line but no piece of it comes near one.

    A broken line keeps its crossings (doubly inked) and its pieces end on
    them; strokes of text aligned down a column float between the cell
    borders, and every gap of their chain holds a border.
    """
    if crossings is None or run.size == 0:
        return np.ones(n, bool)
    count = _crossing_counter(crossings, vertical)
    bridged = ~starts & (count(before, a0, across) > 0)
    touches = (count(a0 - touch, a0 + touch, across) > 0) | (count(a1 - touch, a1 + touch, across) > 0)
    return ~((np.bincount(run, bridged, n) > 0) & (np.bincount(run, touches, n) == 0))


def _group_cummax(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Running maximum of `values` restarting at every new group (sorted by group)."""
    if values.size == 0:
        return values
    span = float(values.max() - values.min() + 1)
    shifted = values - values.min() + groups * span
    return np.maximum.accumulate(shifted) - groups * span + values.min()


def side_ink(ink: np.ndarray, boxes: np.ndarray, offset_px: int, width_px: int, vertical: bool) -> np.ndarray:
    """Ink fraction of the inkier of the two bands beside each segment.

    A ruling line has paper along at least one side (text keeps off cell
    borders; only crossing lines meet it), while a chain of text strokes
    is flanked by the other strokes of its characters on both sides.

    Parameters
    ----------
    ink : (H, W) uint8 ndarray
        Ink mask, nonzero = ink, px at the page dpi.
    boxes : (n, 4) int ndarray
        Segment boxes ``(x0, y0, x1, y1)``, exclusive ends.
    offset_px, width_px : int
        Each band starts `offset_px` beyond the box side and is `width_px` wide.
    vertical : bool
        Direction of the segments (bands left/right, else above/below).

    Returns
    -------
    (n,) float64 ndarray
        max(ink fraction above, below) — or left, right.
    """
    if len(boxes) == 0:
        return np.zeros(0)
    integral = cv2.integral((ink > 0).astype(np.uint8), sdepth=cv2.CV_32S)
    h, w = ink.shape

    def count(x0, y0, x1, y1):
        x0, x1 = np.clip(x0, 0, w), np.clip(x1, 0, w)
        y0, y1 = np.clip(y0, 0, h), np.clip(y1, 0, h)
        x1, y1 = np.maximum(x1, x0), np.maximum(y1, y0)
        area = np.maximum((x1 - x0) * (y1 - y0), 1)
        return (integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]) / area

    x0, y0, x1, y1 = (boxes[:, i].astype(np.int64) for i in range(4))
    if vertical:
        before = count(x0 - offset_px - width_px, y0, x0 - offset_px, y1)
        after = count(x1 + offset_px, y0, x1 + offset_px + width_px, y1)
    else:
        before = count(x0, y0 - offset_px - width_px, x1, y0 - offset_px)
        after = count(x0, y1 + offset_px, x1, y1 + offset_px + width_px)
    return np.maximum(before, after)


def join_collinear(pieces: np.ndarray, ink: np.ndarray, dpi: float, settings: LineSettings,
                   vertical: bool, crossings: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Chain the thin pieces of one direction that lie on one line into segments.

    A faded or broken ruling line survives as pieces separated by gaps
    longer than any closing should bridge; its evidence is that the pieces
    lie on one line. Thin pieces (across the direction at most
    ``max_thickness_mm``) whose centres lie within ``join_offset_mm`` of
    each other across the direction form a line position; along it, pieces
    at most ``join_gap_mm`` apart chain into one run. A run is a segment
    when it spans at least ``min_line_mm`` and its pieces cover at least
    ``min_fill`` of its span (a chain of text strokes is sparse and short).
    Pieces and runs flanked by ink on a side (:func:`side_ink` above
    ``max_side_ink``) are strokes of characters, not lines: such pieces are
    left out before chaining, so a line never chains on into a character.

    Parameters
    ----------
    pieces : (H, W) uint8 ndarray
        Line pieces of one direction (:func:`line_masks`), 255 = ink.
    ink : (H, W) uint8 ndarray
        Ink mask of the page (255 = ink), for the side test.
    dpi : float
    crossings : (H, W) uint8 ndarray, optional
        Unbroken lines of the other direction (:func:`crossing_lines`). A run
        that bridges a crossing line while none of its pieces comes within
        ``crossing_touch_mm`` of one is dropped (:func:`_reaches_crossings`),
        unless one of its pieces alone spans ``min_line_mm`` and is straight
        (``straight_piece_mm``).
    settings : LineSettings
    vertical : bool

    Returns
    -------
    segments : (n, 4) int32 ndarray
        ``(x0, y0, x1, y1)`` per segment, exclusive ends, px at `dpi`.
    line_pieces : (H, W) uint8 ndarray
        The pieces that passed the thickness and side tests (255), chained
        or not: line-like ink, what the warp estimate measures.
    """
    _, labels, stats, centroids = cv2.connectedComponentsWithStats(pieces, connectivity=8)
    stats, centroids = stats[1:].astype(np.int64), centroids[1:]
    x, y, w, h = (stats[:, i] for i in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH,
                                         cv2.CC_STAT_HEIGHT))
    a0, length = (y, h) if vertical else (x, w)
    # across the line: its mean thickness about its centroid, not the bounding
    # box, so a character stroke fused at one crossing does not make it a blob
    thick = np.maximum(np.round(stats[:, cv2.CC_STAT_AREA] / np.maximum(length, 1)), 1).astype(np.int64)
    centre_px = centroids[:, 0] if vertical else centroids[:, 1]
    t0 = np.round(centre_px - thick / 2.0).astype(np.int64)
    offset = max(1, round(mm_to_px(settings.side_offset_mm, dpi)))
    width = max(1, round(mm_to_px(settings.side_width_mm, dpi)))
    boxes = (np.stack([t0, a0, t0 + thick, a0 + length], axis=1) if vertical
             else np.stack([a0, t0, a0 + length, t0 + thick], axis=1))
    keep = ((thick <= mm_to_px(settings.max_thickness_mm, dpi)) & (length > thick)
            & (side_ink(ink, boxes, offset, width, vertical) <= settings.max_side_ink))
    line_pieces = np.take(np.r_[0, keep * 255].astype(np.uint8), labels)  # faster than lut[labels]
    # a piece that is a line on its own: long, and straight (its box no wider than a
    # thick line); fused strokes of a text line wander across the direction
    shortest = mm_to_px(settings.min_line_mm, dpi)
    alone = ((length >= shortest) & ((w if vertical else h) <= mm_to_px(settings.straight_piece_mm, dpi)))[keep]
    a0, a1, t0, t1 = a0[keep], (a0 + length)[keep], t0[keep], (t0 + thick)[keep]
    if a0.size == 0:
        return np.zeros((0, 4), np.int32), line_pieces
    # line positions: centres across the direction, chained within join_offset
    centre = (t0 + t1) / 2.0
    order = np.argsort(centre, kind="stable")
    position = np.empty(a0.size, np.int64)
    position[order] = np.cumsum(np.r_[False, np.diff(centre[order]) > mm_to_px(settings.join_offset_mm, dpi)])
    # along each position: runs of pieces at most join_gap apart
    order = np.lexsort((a0, position))
    a0, a1, t0, t1, position, alone = a0[order], a1[order], t0[order], t1[order], position[order], alone[order]
    reach = _group_cummax(a1, position)  # farthest end so far within the position
    before = np.r_[-np.inf, reach[:-1]]
    new_position = np.r_[True, position[1:] != position[:-1]]
    gap = a0 - before
    split = new_position | (gap > mm_to_px(settings.join_gap_mm, dpi))
    run = np.cumsum(split) - 1
    covered = np.where(new_position, a1 - a0, np.clip(a1 - np.maximum(a0, before), 0, None))
    n = int(run[-1]) + 1
    r_a0 = np.full(n, np.iinfo(np.int64).max); np.minimum.at(r_a0, run, a0)
    r_a1 = np.zeros(n, np.int64); np.maximum.at(r_a1, run, a1)
    r_t0 = np.full(n, np.iinfo(np.int64).max); np.minimum.at(r_t0, run, t0)
    r_t1 = np.zeros(n, np.int64); np.maximum.at(r_t1, run, t1)
    fill = np.bincount(run, covered, n) / np.maximum(r_a1 - r_a0, 1)
    # a run holding a piece that is a line on its own (`alone`) needs no crossing
    # to vouch for its gaps (a broken frame whose gap fell on a crossing)
    has_line = np.bincount(run, alone, n) > 0
    ok = ((r_a1 - r_a0 >= shortest) & (fill >= settings.min_fill)
          & (has_line | _reaches_crossings(crossings, a0, a1, before, (t0 + t1) // 2, new_position | split,
                                           run, n, max(1, round(mm_to_px(settings.crossing_touch_mm, dpi))),
                                           vertical))
          & (r_t1 - r_t0 <= mm_to_px(settings.max_thickness_mm, dpi)))
    cols = (r_t0, r_a0, r_t1, r_a1) if vertical else (r_a0, r_t0, r_a1, r_t1)
    runs = np.stack(cols, axis=1)[ok].astype(np.int32).reshape(-1, 4)
    return runs[side_ink(ink, runs, offset, width, vertical) <= settings.max_side_ink], line_pieces


def trim_overshoots(segments: np.ndarray, crossing: np.ndarray, dpi: float, settings: LineSettings,
                    vertical: bool) -> np.ndarray:
    """Cut the ends of segments that stop in a cell instead of at a crossing line.

    A ruling line runs from crossing line to crossing line. An end that
    passed a crossing and stops short of the next one by more than
    ``end_reach_mm`` (or where no further crossing line comes) chained on
    into a stroke of the text beyond it (a character right under a column
    line); it is moved back onto the last crossing it passed. Ends that
    passed no crossing are left alone (a table's outer frame, a lone line).
    A crossing line passed must meet the segment within ``end_reach_mm``;
    the one an end stops at may stop ``join_gap_mm`` short of it (a frame
    broken at the corner). An overshoot at least ``min_line_mm`` long is a
    line on its own (a frame whose crossing lines were lost), not a
    character: it stays.

    Parameters
    ----------
    segments : (n, 4) int ndarray
        Boxes ``(x0, y0, x1, y1)`` of one direction (`vertical`), exclusive ends,
        px at `dpi`.
    crossing : (m, 4) int ndarray
        Boxes of the other direction.
    dpi : float
    settings : LineSettings
    vertical : bool

    Returns
    -------
    (n, 4) int32 ndarray
    """
    reach_px = mm_to_px(settings.end_reach_mm, dpi)
    meet = mm_to_px(settings.join_gap_mm, dpi)
    line_px = mm_to_px(settings.min_line_mm, dpi)
    if len(segments) == 0 or len(crossing) == 0:
        return segments.astype(np.int32).reshape(-1, 4)
    seg = segments.astype(np.int64).copy()
    a_lo, a_hi = (1, 3) if vertical else (0, 2)
    s_a0, s_a1 = seg[:, a_lo].astype(np.float64), seg[:, a_hi].astype(np.float64)
    mid = (seg[:, 0] + seg[:, 2]) / 2.0 if vertical else (seg[:, 1] + seg[:, 3]) / 2.0
    c = crossing.astype(np.float64)
    c_pos = (c[:, 1] + c[:, 3]) / 2.0 if vertical else (c[:, 0] + c[:, 2]) / 2.0
    half = ((c[:, 3] - c[:, 1]) if vertical else (c[:, 2] - c[:, 0])) / 2.0 + 1.0
    c_lo, c_hi = (c[:, 0], c[:, 2]) if vertical else (c[:, 1], c[:, 3])
    meets = (c_lo[None, :] - reach_px <= mid[:, None]) & (mid[:, None] < c_hi[None, :] + reach_px)
    # what the end stops at: a crossing line broken at the corner still counts
    meets_end = (c_lo[None, :] - meet <= mid[:, None]) & (mid[:, None] < c_hi[None, :] + meet)
    inside = meets & (c_pos[None, :] > s_a0[:, None] + half) & (c_pos[None, :] < s_a1[:, None] - half)
    # end side: last crossing passed, and the next crossing beyond the end
    last = np.where(inside, c_pos[None, :], -np.inf).max(axis=1)
    beyond = np.where(meets_end & (c_pos[None, :] >= s_a1[:, None] - half), c_pos[None, :], np.inf).min(axis=1)
    cut_end = np.isfinite(last) & (beyond - s_a1 > reach_px) & (s_a1 - last < line_px)
    first = np.where(inside, c_pos[None, :], np.inf).min(axis=1)
    before = np.where(meets_end & (c_pos[None, :] <= s_a0[:, None] + half), c_pos[None, :], -np.inf).max(axis=1)
    cut_start = np.isfinite(first) & (s_a0 - before > reach_px) & (first - s_a0 < line_px)
    # the cut keeps the crossing line's width (its own half thickness)
    half_last = half[np.argmax(np.where(inside, c_pos[None, :], -np.inf), axis=1)]
    half_first = half[np.argmin(np.where(inside, c_pos[None, :], np.inf), axis=1)]
    new_a1 = np.where(cut_end, last + half_last, s_a1)
    new_a0 = np.where(cut_start, first - half_first, s_a0)
    keep = new_a1 > new_a0
    seg[:, a_lo] = np.round(np.where(keep, new_a0, s_a0)).astype(np.int64)
    seg[:, a_hi] = np.round(np.where(keep, new_a1, s_a1)).astype(np.int64)
    return seg.astype(np.int32)


def _off_text(ink: InkMasks, line_ink: np.ndarray, halo_px: int) -> np.ndarray:
    """`ink.dark` off the text ink and its halo (`halo_px`); the ink of lines kept."""
    text = cv2.bitwise_and(ink.ink, cv2.bitwise_not(line_ink))
    text = cv2.dilate(text, np.ones((2 * halo_px + 1, 2 * halo_px + 1), np.uint8))
    keep = cv2.bitwise_or(cv2.bitwise_not(text), line_ink)
    return cv2.bitwise_and(ink.dark, keep)


def paint_segments(shape: tuple[int, int], boxes: np.ndarray) -> np.ndarray:
    """A mask (255 inside) of the segment boxes ``(x0, y0, x1, y1)``, exclusive ends."""
    out = np.zeros(shape, np.uint8)
    for x0, y0, x1, y1 in boxes:
        out[y0:y1, x0:x1] = 255
    return out


def detect_lines(ink: InkMasks, dpi: float, settings: LineSettings) -> Lines:
    """Horizontal and vertical ruling lines of a page.

    Parameters
    ----------
    ink : InkMasks
        Ink and faint ink of the page (:func:`layout.binarize.ink_masks`).
    dpi : float
    settings : LineSettings

    Returns
    -------
    Lines
    """
    h_ruling, h_pieces = line_masks(ink.ink, ink.faint_h, dpi, settings, vertical=False)
    v_ruling, v_pieces = line_masks(ink.ink, ink.faint_v, dpi, settings, vertical=True)
    # pieces are cut where an unbroken crossing line passes, so a stroke of a
    # character fused to a line across its crossing is judged (side test) on its own
    h_cross, v_cross = (crossing_lines(h_pieces, dpi, settings, vertical=False),
                        crossing_lines(v_pieces, dpi, settings, vertical=True))
    h_pieces, v_pieces = (cut_at_crossings(h_pieces, v_cross, dpi, settings, vertical=False),
                          cut_at_crossings(v_pieces, h_cross, dpi, settings, vertical=True))
    horizontal, h_line_pieces = join_collinear(h_pieces, ink.ink, dpi, settings, vertical=False,
                                               crossings=v_cross)
    vertical, v_line_pieces = join_collinear(v_pieces, ink.ink, dpi, settings, vertical=True,
                                             crossings=h_cross)
    horizontal, vertical = (trim_overshoots(horizontal, vertical, dpi, settings, vertical=False),
                            trim_overshoots(vertical, horizontal, dpi, settings, vertical=True))
    shape = ink.ink.shape
    halo = max(1, round(mm_to_px(settings.text_halo_mm, dpi)))
    # only the pieces of kept lines: the bridged gaps are a claim, not ink,
    # and must not join two tables stacked with aligned columns
    h_long = cv2.bitwise_and(h_pieces, paint_segments(shape, horizontal))
    v_long = cv2.bitwise_and(v_pieces, paint_segments(shape, vertical))
    return Lines(
        horizontal=horizontal,
        vertical=vertical,
        h_ruling=h_ruling,
        v_ruling=v_ruling,
        h_long=h_long,
        v_long=v_long,
        h_pieces=h_line_pieces,
        v_pieces=v_line_pieces,
        # a lone stroke of a digit ("1") is a line-like piece but no line: only
        # the ink of chained lines stays in the darkness the profile test reads
        dark_h=_off_text(ink, h_long, halo),
        dark_v=_off_text(ink, v_long, halo),
        text=cv2.bitwise_and(ink.ink, cv2.bitwise_not(cv2.max(h_long, v_long))),
        gray=ink.gray,
    )
