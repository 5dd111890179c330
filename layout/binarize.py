"""Grayscale without red seals, then an adaptive threshold scaled to the dpi."""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from .settings import BinarizeSettings, mm_to_px, odd_px

__all__ = ["to_gray", "binarize", "ink_masks", "paper_level", "directional_faint", "InkMasks"]


def to_gray(image: np.ndarray, red_gain: float, red_channel_lift: float = 0.5) -> np.ndarray:
    """Grayscale in which red ink (official seals) turns to paper white.

    Each pixel's luminance is raised by ``red_gain · max(0, R − max(G, B))``
    (redness), so saturated red (a seal, also where it only tints the paper)
    becomes white. The raise is capped at ``R + red_channel_lift · redness``:
    a red seal printed over the page darkens the red channel only a little
    (made up by the lift), while gray or black ink under the seal stays dark
    there, so ruling lines and text under a seal keep their contrast.

    Parameters
    ----------
    image : (H, W, 3) uint8 ndarray or (H, W) uint8 ndarray
        BGR page image (a 2-D image is returned as is).
    red_gain : float
        Gray levels added per level of redness; 0 gives the plain luminance.
    red_channel_lift : float
        Gray levels added to the red channel per level of redness for the
        cap (dimensionless ratio).

    Returns
    -------
    gray : (H, W) uint8 ndarray
        0 black … 255 white.
    """
    if image.ndim == 2:
        return image
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if red_gain <= 0:
        return gray
    b, g, r = cv2.split(image)
    redness = cv2.subtract(r, cv2.max(g, b))  # saturating: ≥ 0
    lifted = cv2.add(gray, cv2.convertScaleAbs(redness, alpha=red_gain))  # saturating at 255
    cap = cv2.add(r, cv2.convertScaleAbs(redness, alpha=red_channel_lift))
    return cv2.min(lifted, cv2.max(cap, gray))


def _smoothed_gray(image: np.ndarray, dpi: float, settings: BinarizeSettings) -> np.ndarray:
    gray = to_gray(image, settings.red_gain, settings.red_channel_lift)
    sigma = mm_to_px(settings.blur_mm, dpi)
    return cv2.GaussianBlur(gray, (0, 0), sigma) if sigma > 0 else gray


def _threshold(gray: np.ndarray, dpi: float, settings: BinarizeSettings) -> np.ndarray:
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 odd_px(settings.block_mm, dpi), settings.offset)


def binarize(image: np.ndarray, dpi: float, settings: BinarizeSettings) -> np.ndarray:
    """Ink mask of a page by a local-mean threshold.

    Parameters
    ----------
    image : (H, W, 3) or (H, W) uint8 ndarray
        BGR or gray page image at `dpi`.
    dpi : float
        Resolution; the gray image is first smoothed with a Gaussian of
        σ = ``blur_mm`` (scan noise), and the window is ``block_mm`` wide,
        i.e. ``block_mm · dpi / 25.4`` px (odd).
    settings : BinarizeSettings

    Returns
    -------
    mask : (H, W) uint8 ndarray
        255 where a pixel is darker than its local mean by more than
        ``offset`` gray levels (ink), else 0.
    """
    return _threshold(_smoothed_gray(image, dpi, settings), dpi, settings)


def paper_level(gray: np.ndarray, ink: np.ndarray, dpi: float, block_mm: float) -> np.ndarray:
    """Local paper grey level: the mean of the non-ink pixels in a window.

    Parameters
    ----------
    gray : (H, W) uint8 ndarray
        Smoothed gray page, 0 black … 255 white.
    ink : (H, W) uint8 ndarray
        Ink mask (255 = ink) whose pixels are left out of the mean.
    dpi : float
    block_mm : float
        Side of the averaging window, mm.

    Returns
    -------
    (H, W) float32 ndarray
        Grey level of the paper around each pixel; the pixel's own grey level
        where the window holds no paper at all.
    """
    block = odd_px(block_mm, dpi)
    paper = cv2.compare(ink, 0, cv2.CMP_EQ)  # 255 on paper
    # window sums straight from the uint8 images into float32 (exact integers),
    # and OpenCV's own ops after: no full-page float temporaries
    total = cv2.boxFilter(cv2.bitwise_and(gray, paper), cv2.CV_32F, (block, block),
                          normalize=False, borderType=cv2.BORDER_REFLECT)
    count = cv2.boxFilter(paper // 255, cv2.CV_32F, (block, block), normalize=False,
                          borderType=cv2.BORDER_REFLECT)
    level = cv2.divide(total, cv2.max(count, 1.0))
    np.copyto(level, gray, where=count < 0.5, casting="unsafe")
    return level


def directional_faint(dark: np.ndarray, dpi: float, along_mm: float, offset: float,
                      vertical: bool) -> np.ndarray:
    """Faint ink of thin lines along one direction, from darkness summed along it.

    A faded ruling line is a weak signal at each pixel but a steady one along
    its length, while scan noise averages out: the darkness below the local
    paper level is averaged over ``along_mm`` along the direction before it
    is compared with `offset`. Text strokes pass too (they are dark); line
    detection keeps only long runs.

    Parameters
    ----------
    dark : (H, W) float32 ndarray
        Grey levels below the local paper level (:func:`paper_level`), clipped
        at a cap (``BinarizeSettings.faint_dark_cap``) so that a dark crossing
        line or text stroke (already in the ink mask) does not smear a band of
        "faint ink" along the direction around itself.
    dpi : float
    along_mm : float
        Length of the averaging window along the direction, mm.
    offset : float
        Mean darkness (grey levels below the paper) at which a pixel is line ink.
    vertical : bool
        Direction of the lines sought.

    Returns
    -------
    (H, W) uint8 ndarray
        255 = faint line ink.
    """
    k = max(1, round(mm_to_px(along_mm, dpi)))
    mean = cv2.blur(dark, (1, k) if vertical else (k, 1), borderType=cv2.BORDER_REFLECT)
    return cv2.compare(mean, float(offset), cv2.CMP_GT)


@dataclass(frozen=True)
class InkMasks:
    """Ink of one page for table finding, px at the page dpi (255 = ink).

    ink : (H, W) uint8 — the text-level ink mask of :func:`binarize`.
    faint_h, faint_v : (H, W) uint8 — faint ink missing from `ink` that may be
        a faded horizontal / vertical ruling line (see :func:`ink_masks`).
    dark : (H, W) uint8 — grey levels below the local paper level, clipped at
        ``faint_dark_cap``: the evidence a faded line leaves, summed along a
        grid segment by :mod:`layout.presence`.
    gray : (H, W) uint8 — the smoothed grey page the masks come from (0
        black … 255 white): where a shaded cell ends (:mod:`layout.faint_edges`).
    """

    ink: np.ndarray = field(repr=False)
    faint_h: np.ndarray = field(repr=False)
    faint_v: np.ndarray = field(repr=False)
    dark: np.ndarray = field(repr=False)
    gray: np.ndarray = field(repr=False)


def ink_masks(image: np.ndarray, dpi: float, settings: BinarizeSettings) -> InkMasks:
    """The ink mask of :func:`binarize` and, per direction, the faint ink it misses.

    Faint ink is darker than the local paper level (the mean of the non-ink
    pixels around it, :func:`paper_level`) by more than ``ruling_offset``
    at the pixel, or by more than ``line_offset`` on average over
    ``line_evidence_mm`` along the direction (:func:`directional_faint`): a
    faded line beside dense text, or one so faint that only its length
    gives it away. It also holds the halo of text strokes; line detection
    keeps only its long runs (:func:`layout.lines.detect_lines`). All zero
    when ``ruling_offset`` is 0.
    """
    gray = _smoothed_gray(image, dpi, settings)
    mask = _threshold(gray, dpi, settings)
    if settings.ruling_offset <= 0:
        zero = np.zeros_like(mask)
        return InkMasks(mask, zero, zero, zero, gray)
    below_paper = paper_level(gray, mask, dpi, settings.block_mm)
    below_paper -= gray  # grey levels below the paper, float32
    pixel = cv2.compare(below_paper, float(settings.ruling_offset), cv2.CMP_GT)
    dark = np.clip(below_paper, 0.0, settings.faint_dark_cap, out=below_paper)
    # the halo of ink is not faint ink: without this a column of characters
    # smears into a bar and a line beside text swells into it
    clear = 2 * max(1, round(mm_to_px(settings.faint_clear_mm, dpi))) + 1
    not_ink = cv2.bitwise_not(cv2.dilate(mask, np.ones((clear, clear), np.uint8)))
    faint = []
    for vertical in (False, True):
        along = directional_faint(dark, dpi, settings.line_evidence_mm, settings.line_offset, vertical)
        faint.append(cv2.bitwise_and(cv2.max(pixel, along), not_ink))
    return InkMasks(mask, faint[0], faint[1], dark.astype(np.uint8), gray)
