"""Which segments of a table grid are drawn lines.

Each segment between two neighbouring grid nodes is tested on the evidence
along its whole length, all segments of a table at once (prefix sums): the
ruling-ink masks of :mod:`layout.lines` (coverage, ink at both ends), the
chained line segments (pieces joined over the gaps of a broken line), and
the darkness profile across the segment (a thin dark line against the
paper on both sides: a faded line that no mask holds whole).
"""
from __future__ import annotations

import cv2
import numpy as np

from .settings import GridSettings, mm_to_px

__all__ = ["profile_presence", "segment_presence", "through_text", "beside_line_band"]


def beside_line_band(settings: GridSettings, dpi: float) -> tuple[int, int]:
    """Nearest and farthest offset (px) from a line's centre of the bands where
    text beside it is looked for: ``profile_text_band_mm`` past the line's
    ``band_mm`` half width."""
    band = max(1, round(mm_to_px(settings.band_mm, dpi)))
    return (band + max(1, round(mm_to_px(settings.profile_text_band_mm[0], dpi))),
            band + max(2, round(mm_to_px(settings.profile_text_band_mm[1], dpi))))


def through_text(text: np.ndarray, lines: np.ndarray, bounds: np.ndarray, end_zone: int,
                 text_band: tuple[int, int], max_text: float) -> np.ndarray:
    """Whether each segment runs through a line of text: text ink on both sides.

    Parameters
    ----------
    text : (h, w) uint8 ndarray
        Text ink (nonzero), the segments' lines along axis 1.
    lines : (n,) int ndarray
        Line positions along axis 0, px.
    bounds : (m + 1,) int ndarray
        Segment boundaries along axis 1, px (end zones left out).
    end_zone : int
    text_band : (int, int)
        Nearest and farthest offset of the bands beside the line, px.
    max_text : float
        A band with more text ink than this fraction of its area counts.

    Returns
    -------
    (n, m) bool ndarray
        True where both bands hold more than `max_text`.
    """
    near, far = text_band
    prefix = cv2.integral((text > 0).astype(np.uint8), sdepth=cv2.CV_32S)
    lo = bounds[:-1] + end_zone
    hi = np.maximum(bounds[1:] - end_zone, lo + 1)
    h = text.shape[0]

    def share(y0: np.ndarray, y1: np.ndarray) -> np.ndarray:
        y0, y1 = np.clip(y0, 0, h)[:, None], np.clip(y1, 0, h)[:, None]
        area = np.maximum((y1 - y0) * (hi - lo)[None, :], 1)
        total = prefix[y1, hi[None, :]] - prefix[y0, hi[None, :]] - prefix[y1, lo[None, :]] + prefix[y0, lo[None, :]]
        return total / area

    before = share(lines - far, lines - near + 1)
    after = share(lines + near, lines + far + 1)
    return np.minimum(before, after) > max_text


def profile_presence(dark: np.ndarray, text: np.ndarray, ruling: np.ndarray, lines: np.ndarray,
                     bounds: np.ndarray, band: int,
                     end_zone: int, flank: tuple[int, int], text_band: tuple[int, int],
                     min_contrast: float, min_coverage: float, max_text: float) -> np.ndarray:
    """Whether each segment is a thin dark line, from its darkness profile.

    For the segment from ``bounds[j]`` to ``bounds[j + 1]`` along line
    ``lines[i]`` (end zones left out, where crossing lines are), the mean
    darkness of every row within ±`band` is taken along the segment's whole
    length; its peak must stand `min_contrast` above the cleaner flank (the
    rows `flank` px beyond the peak, on either side) — a thin line, not a
    band of text — and the peak row must be darker than halfway between on
    at least `min_coverage` of the length, so a few strokes do not pass.
    A segment with text on both sides (`text` covering more than `max_text`
    of the bands `text_band` px beyond the peak) runs through a line of
    text: a stroke of a character, not a faded border, whatever its profile.

    Parameters
    ----------
    dark : (h, w) uint8 ndarray
        Darkness below the paper, lines along axis 1.
    text : (h, w) uint8 ndarray
        Text ink (nonzero), same frame.
    ruling : (h, w) uint8 ndarray
        Ruling ink (nonzero), same frame: where the line is dark enough to be
        ink, `dark` (taken off the ink) holds nothing of it, so the peak row
        counts as dark where either holds it.
    lines : (n,) int ndarray
        Line positions along axis 0, px.
    bounds : (m + 1,) int ndarray
        Segment boundaries along axis 1, px.
    band, end_zone : int
        Offsets searched for the peak; length left out at each end, px.
    flank, text_band : (int, int)
        Nearest and farthest offset of the flank rows, and of the text bands,
        from the peak, px.
    min_contrast : float
        Grey levels.
    min_coverage, max_text : float
        Fractions of the segment's length, of the band area.

    Returns
    -------
    (n, m) bool ndarray
    """
    near, far = flank
    reach = band + max(far, text_band[1])
    offsets = np.arange(-reach, reach + 1)
    idx = np.clip(lines[None, :] + offsets[:, None], 0, dark.shape[0] - 1)  # (o, n)
    rows = dark[idx].astype(np.float32)  # (o, n, w)
    prefix = np.zeros(rows.shape[:2] + (rows.shape[2] + 1,), np.float32)
    np.cumsum(rows, axis=2, out=prefix[..., 1:])
    lo = bounds[:-1] + end_zone
    hi = np.maximum(bounds[1:] - end_zone, lo + 1)
    mean = (prefix[..., hi] - prefix[..., lo]) / (hi - lo)  # (o, n, m)
    centre = slice(reach - band, reach + band + 1)
    peak_at = np.argmax(mean[centre], axis=0) + (reach - band)  # (n, m) offset index
    peak = np.take_along_axis(mean, peak_at[None], axis=0)[0]
    ks = np.arange(near, far + 1)
    before = np.take_along_axis(mean, (peak_at[None] - ks[:, None, None]), axis=0).mean(axis=0)
    after = np.take_along_axis(mean, (peak_at[None] + ks[:, None, None]), axis=0).mean(axis=0)
    background = np.maximum(before, after)
    contrast = peak - background
    n, m = peak_at.shape
    peak_rows = rows[peak_at, np.arange(n)[:, None], :]  # (n, m, w)
    dark_enough = ((peak_rows > (background + contrast / 2.0)[..., None])
                   | (ruling[idx][peak_at, np.arange(n)[:, None], :] > 0))
    x = np.arange(rows.shape[2])
    inside = (x[None, :] >= lo[:, None]) & (x[None, :] < hi[:, None])  # (m, w)
    coverage = (dark_enough & inside[None]).sum(axis=2) / (hi - lo)
    t_rows = (text[idx] > 0).astype(np.float32)
    t_prefix = np.zeros_like(prefix)
    np.cumsum(t_rows, axis=2, out=t_prefix[..., 1:])
    t_mean = (t_prefix[..., hi] - t_prefix[..., lo]) / (hi - lo)  # (o, n, m)
    ts = np.arange(text_band[0], text_band[1] + 1)
    t_before = np.take_along_axis(t_mean, (peak_at[None] - ts[:, None, None]), axis=0).mean(axis=0)
    t_after = np.take_along_axis(t_mean, (peak_at[None] + ts[:, None, None]), axis=0).mean(axis=0)
    through_text = np.minimum(t_before, t_after) > max_text
    return (contrast >= min_contrast) & (coverage >= min_coverage) & ~through_text


def _drawn(crop: np.ndarray, lines: np.ndarray, bounds: np.ndarray, band: int, end_zone: int,
           coverage: float, ends: bool = True) -> np.ndarray:
    """Whether each segment is a drawn line, at some line offset within ±`band`.

    A segment from ``bounds[j]`` to ``bounds[j + 1]`` along line ``lines[i]``
    is drawn when, on one row offset, ruling ink covers at least `coverage`
    of it and reaches into both end zones (a ruling runs from node to node; a
    text stroke floats inside the cell).

    Parameters
    ----------
    crop : (h, w) uint8 ndarray
        Ruling mask with the lines running along axis 1.
    lines : (n,) int ndarray
        Line positions along axis 0, px.
    bounds : (m + 1,) int ndarray
        Segment boundaries along axis 1, px.
    band, end_zone : int
        Offsets searched; length of the end zones (capped at a quarter of the
        segment), px.
    coverage : float
        Minimum covered fraction.
    ends : bool
        Whether ink must reach into both end zones (False for masks of
        segments already known to be lines).

    Returns
    -------
    (n, m) bool ndarray
    """
    offsets = np.arange(-band, band + 1)
    idx = np.clip(lines[None, :] + offsets[:, None], 0, crop.shape[0] - 1)  # (o, n)
    prefix = np.zeros(idx.shape + (crop.shape[1] + 1,), np.int32)
    np.cumsum(crop[idx] > 0, axis=2, out=prefix[..., 1:])
    lo, hi = bounds[:-1], np.maximum(bounds[1:], bounds[:-1] + 1)
    zone = np.maximum(np.minimum(end_zone, (hi - lo) // 4), 1)
    covered = (prefix[..., hi] - prefix[..., lo]) / (hi - lo)
    if not ends:
        return (covered >= coverage).any(axis=0)
    head = prefix[..., lo + zone] - prefix[..., lo] > 0
    tail = prefix[..., hi] - prefix[..., hi - zone] > 0
    return ((covered >= coverage) & head & tail).any(axis=0)


def segment_presence(h_ruling: np.ndarray, v_ruling: np.ndarray, row_edges: np.ndarray,
                     col_edges: np.ndarray, dpi: float, settings: GridSettings,
                     h_long: np.ndarray | None = None,
                     v_long: np.ndarray | None = None,
                     h_lines: np.ndarray | None = None,
                     v_lines: np.ndarray | None = None,
                     dark_h: np.ndarray | None = None,
                     dark_v: np.ndarray | None = None,
                     text: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Which grid segments carry ruling ink.

    For every line offset within ±``band_mm`` of each edge the mask row
    (column) is prefix-summed, giving the covered fraction of every segment
    and its ink near both ends at once (see :func:`_drawn`).

    Parameters
    ----------
    h_ruling, v_ruling : (H, W) uint8 ndarray
        Ruling-ink masks of the page (255 = ink), px at `dpi`.
    row_edges : (R + 1,) int ndarray
    col_edges : (C + 1,) int ndarray
    dpi : float
    settings : GridSettings
        Uses ``band_mm``, ``segment_end_zone_mm``, ``segment_coverage``.
    h_long, v_long : (H, W) uint8 ndarray, optional
        Long-line masks (:class:`layout.lines.Lines`). The crossing lines are
        taken out of the other direction's ruling mask first: a thick (bold)
        crossing line survives the short opening along the segment and would
        otherwise count as ruling ink in its end zone and towards its
        coverage, so text strokes under a bold frame pass for a line.
    h_lines, v_lines : (H, W) uint8 ndarray, optional
        The detected line segments painted solid, gaps of broken lines
        bridged (:func:`layout.lines.paint_segments`). A grid segment that
        they cover (``segment_coverage``) is drawn too when ruling ink still
        covers ``chained_min_coverage`` of it: a broken or faded line whose
        ink covers too little of it, but whose pieces were chained.
    dark_h, dark_v : (H, W) uint8 ndarray, optional
        Darkness below the paper off the text (:class:`layout.lines.Lines`);
        a segment whose profile shows a thin dark line along it
        (:func:`profile_presence`) is drawn too.
    text : (H, W) uint8 ndarray, optional
        Text ink (:class:`layout.lines.Lines`); needed with `dark_h`/`dark_v`.

    Returns
    -------
    h_present : (R + 1, C) bool ndarray
        Outer rows are always True.
    v_present : (R, C + 1) bool ndarray
        Outer columns are always True.
    """
    band = max(1, round(mm_to_px(settings.band_mm, dpi)))
    zone = max(1, round(mm_to_px(settings.segment_end_zone_mm, dpi)))
    height, width = h_ruling.shape
    y0, y1 = max(0, int(row_edges[0]) - band), min(height, int(row_edges[-1]) + band + 1)
    x0, x1 = max(0, int(col_edges[0]) - band), min(width, int(col_edges[-1]) + band + 1)
    rows = np.clip(row_edges - y0, 0, y1 - y0 - 1)
    cols = np.clip(col_edges - x0, 0, x1 - x0 - 1)
    # a 3-px dilation across the line absorbs a 1-px wobble of a scanned line
    wobble = np.ones((3, 1), np.uint8)
    h_crop, v_crop = h_ruling[y0:y1, x0:x1], v_ruling[y0:y1, x0:x1]
    # crossing lines (widened by the 1-px fringe a resampling leaves) are not ruling ink here
    if v_long is not None:
        h_crop = cv2.subtract(h_crop, cv2.dilate(v_long[y0:y1, x0:x1], wobble.T))
    if h_long is not None:
        v_crop = cv2.subtract(v_crop, cv2.dilate(h_long[y0:y1, x0:x1], wobble))
    h_crop = cv2.dilate(h_crop, wobble)
    v_crop = cv2.dilate(v_crop, wobble.T)
    cover = settings.segment_coverage
    v_crop_t = np.ascontiguousarray(v_crop.T)
    # segments with text on both sides: a border between two rows or columns of
    # text, or a stretch inside a cell of text where strokes line up
    in_h_text = np.zeros((len(rows), len(cols) - 1), bool)
    in_v_text = np.zeros((len(rows) - 1, len(cols)), bool)
    if text is not None:
        text_band = beside_line_band(settings, dpi)
        t_crop = text[y0:y1, x0:x1]
        in_h_text = through_text(t_crop, rows, cols, zone, text_band, settings.profile_max_text)
        in_v_text = through_text(np.ascontiguousarray(t_crop.T), cols, rows, zone, text_band,
                                 settings.profile_max_text).T
    h_present = _drawn(h_crop, rows, cols, band, zone, cover)
    v_present = _drawn(v_crop_t, cols, rows, band, zone, cover).T
    # less covered (faded stretches), but off text: a border with paper beside it
    weak = settings.weak_coverage
    h_present |= _drawn(h_crop, rows, cols, band, zone, weak) & ~in_h_text
    v_present |= _drawn(v_crop_t, cols, rows, band, zone, weak).T & ~in_v_text
    # nearly all of it inked: a line even when a gap or fading took its ends
    full = settings.full_coverage
    h_present |= _drawn(h_crop, rows, cols, band, zone, full, ends=False)
    v_present |= _drawn(v_crop_t, cols, rows, band, zone, full, ends=False).T
    # a chained line counts where its own ink still covers part of the segment
    # (its end may have chained on into a stroke of a character in the next
    # cell); a vertical chain through a cell of text may be strokes lined up
    # down the cell. Horizontal chains are not held to that: a border between
    # two rows of labels has text above and below it.
    some = settings.chained_min_coverage
    if h_lines is not None:
        h_present |= (_drawn(h_lines[y0:y1, x0:x1], rows, cols, band, zone, cover, ends=False)
                      & _drawn(h_crop, rows, cols, band, zone, some, ends=False))
    if v_lines is not None:
        v_present |= (_drawn(np.ascontiguousarray(v_lines[y0:y1, x0:x1].T), cols, rows, band, zone, cover,
                             ends=False)
                      & _drawn(v_crop_t, cols, rows, band, zone, some, ends=False) & ~in_v_text.T).T
    flank = (max(1, round(mm_to_px(settings.profile_flank_mm[0], dpi))),
             max(2, round(mm_to_px(settings.profile_flank_mm[1], dpi))))
    text_band = (max(1, round(mm_to_px(settings.profile_text_band_mm[0], dpi))),
                 max(2, round(mm_to_px(settings.profile_text_band_mm[1], dpi))))
    args = (band, zone, flank, text_band, settings.profile_min_contrast, settings.profile_min_coverage,
            settings.profile_max_text)
    if dark_h is not None and text is not None:
        h_present |= profile_presence(dark_h[y0:y1, x0:x1], text[y0:y1, x0:x1], h_crop, rows, cols, *args)
    if dark_v is not None and text is not None:
        v_present |= profile_presence(np.ascontiguousarray(dark_v[y0:y1, x0:x1].T),
                                      np.ascontiguousarray(text[y0:y1, x0:x1].T), v_crop_t, cols, rows,
                                      *args).T
    h_present[[0, -1], :] = True
    v_present[:, [0, -1]] = True
    return h_present, v_present
