"""Ruling-line detection by morphology (img2table style).

Per direction: open with a short kernel (drops most text strokes), close small
gaps (faded or broken lines), open with the minimum line length. The
short-opened, gap-closed mask (``*_ruling``) is kept: the grid stage measures
how much of each candidate grid segment it covers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from .settings import LineSettings, mm_to_px

__all__ = ["Lines", "detect_lines", "line_masks", "segments"]


@dataclass(frozen=True)
class Lines:
    """Ruling lines of one page.

    horizontal : (n, 4) int32 ndarray
        Boxes ``(x0, y0, x1, y1)`` (x1/y1 exclusive) of horizontal line
        segments, px at the page dpi.
    vertical : (m, 4) int32 ndarray
        Same for vertical segments.
    h_ruling, v_ruling : (H, W) uint8 ndarray
        Ruling-ink masks (255 = ink) before the minimum-length filter, used to
        test which grid segments are drawn.
    h_long, v_long : (H, W) uint8 ndarray
        The long-line masks the segments were taken from.
    """

    horizontal: np.ndarray
    vertical: np.ndarray
    h_ruling: np.ndarray = field(repr=False)
    v_ruling: np.ndarray = field(repr=False)
    h_long: np.ndarray = field(repr=False)
    v_long: np.ndarray = field(repr=False)


def _kernel(length: int, vertical: bool) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_RECT, (1, length) if vertical else (length, 1))


def line_masks(mask: np.ndarray, dpi: float, settings: LineSettings,
               vertical: bool, faint: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Ruling-ink mask and long-line mask along one direction.

    Parameters
    ----------
    mask : (H, W) uint8 ndarray
        Ink mask at `dpi`, 255 = ink.
    dpi : float
    settings : LineSettings
        Uses ``ruling_stroke_mm``, ``min_stroke_mm``, ``gap_mm``,
        ``min_line_mm`` and ``faint_stroke_mm``.
    vertical : bool
        Direction of the lines sought.
    faint : (H, W) uint8 ndarray, optional
        Faint ink missing from `mask` (255 = ink). Runs of ink or faint ink
        at least ``faint_stroke_mm`` long along the direction (faded ruling,
        not the halo of text strokes) are added to `mask` first.

    Returns
    -------
    ruling : (H, W) uint8 ndarray
        Runs of at least ``ruling_stroke_mm`` along the direction, with gaps
        up to ``gap_mm`` closed (keeps the short pieces of broken lines).
    long : (H, W) uint8 ndarray
        Runs of at least ``min_stroke_mm``, gaps up to ``gap_mm`` closed,
        kept where they form runs of at least ``min_line_mm``.
    """
    stroke = max(2, round(mm_to_px(settings.min_stroke_mm, dpi)))
    short = max(2, round(mm_to_px(settings.ruling_stroke_mm, dpi)))
    gap = max(1, round(mm_to_px(settings.gap_mm, dpi)))
    length = max(stroke + 1, round(mm_to_px(settings.min_line_mm, dpi)))
    closing = _kernel(gap, vertical)
    if faint is not None:
        # the run is measured on ink and faint ink together: a faded line that a
        # resampling (deskew) or uneven fading leaves partly above and partly
        # below the text threshold is one run, not pieces too short to count
        run = _kernel(max(2, round(mm_to_px(settings.faint_stroke_mm, dpi))), vertical)
        ruling_ink = cv2.max(mask, cv2.morphologyEx(cv2.max(mask, faint), cv2.MORPH_OPEN, run))
        mask = cv2.max(mask, cv2.morphologyEx(faint, cv2.MORPH_OPEN, run))
    else:
        ruling_ink = mask
    ruling = cv2.morphologyEx(cv2.morphologyEx(ruling_ink, cv2.MORPH_OPEN, _kernel(short, vertical)),
                              cv2.MORPH_CLOSE, closing)
    long = cv2.morphologyEx(cv2.morphologyEx(mask, cv2.MORPH_OPEN, _kernel(stroke, vertical)),
                            cv2.MORPH_CLOSE, closing)
    long = cv2.morphologyEx(long, cv2.MORPH_OPEN, _kernel(length, vertical))
    return ruling, long


def segments(long: np.ndarray, dpi: float, max_thickness_mm: float, vertical: bool) -> np.ndarray:
    """Bounding boxes of the thin connected components of a long-line mask.

    Parameters
    ----------
    long : (H, W) uint8 ndarray
        Long-line mask of one direction.
    dpi : float
    max_thickness_mm : float
        Components thicker than this (across the direction) are dropped.
    vertical : bool

    Returns
    -------
    (n, 4) int32 ndarray
        ``(x0, y0, x1, y1)`` per segment, exclusive ends, px at `dpi`.
    """
    _, _, stats, _ = cv2.connectedComponentsWithStats(long, connectivity=8)
    stats = stats[1:]
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    across, along = (w, h) if vertical else (h, w)
    keep = (across <= mm_to_px(max_thickness_mm, dpi)) & (along > across)
    boxes = np.stack([x, y, x + w, y + h], axis=1)[keep]
    return boxes.astype(np.int32).reshape(-1, 4)


def detect_lines(mask: np.ndarray, dpi: float, settings: LineSettings,
                 faint: np.ndarray | None = None) -> Lines:
    """Horizontal and vertical ruling lines of a page.

    Parameters
    ----------
    mask : (H, W) uint8 ndarray
        Ink mask at `dpi`, 255 = ink (from :func:`layout.binarize.binarize`).
    dpi : float
    settings : LineSettings
    faint : (H, W) uint8 ndarray, optional
        Faint ink missing from `mask` (from :func:`layout.binarize.ink_masks`);
        its long runs count as ruling ink (see :func:`line_masks`).

    Returns
    -------
    Lines
    """
    h_ruling, h_long = line_masks(mask, dpi, settings, vertical=False, faint=faint)
    v_ruling, v_long = line_masks(mask, dpi, settings, vertical=True, faint=faint)
    return Lines(
        horizontal=segments(h_long, dpi, settings.max_thickness_mm, vertical=False),
        vertical=segments(v_long, dpi, settings.max_thickness_mm, vertical=True),
        h_ruling=h_ruling,
        v_ruling=v_ruling,
        h_long=h_long,
        v_long=v_long,
    )
