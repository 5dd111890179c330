"""Grayscale without red seals, then an adaptive threshold scaled to the dpi."""
from __future__ import annotations

import cv2
import numpy as np

from .settings import BinarizeSettings, mm_to_px, odd_px

__all__ = ["to_gray", "binarize", "ink_masks", "paper_mask"]


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


def paper_mask(gray: np.ndarray, ink: np.ndarray, dpi: float, block_mm: float, offset: float) -> np.ndarray:
    """Pixels darker than the local *paper* level, ink left out of the mean.

    The plain local mean is pulled down by dense text and lines around a
    pixel, so a faint (faded) ruling line next to dark text stays under the
    threshold of :func:`binarize`. Here the mean over a ``block_mm`` window
    counts only pixels that `ink` marks as paper (a normalised box filter);
    a window holding no paper at all marks nothing.

    Parameters
    ----------
    gray : (H, W) uint8 ndarray
        Smoothed gray page, 0 black … 255 white.
    ink : (H, W) uint8 ndarray
        First ink mask (255 = ink) whose pixels are left out of the mean.
    dpi : float
    block_mm : float
        Side of the averaging window, mm.
    offset : float
        Gray levels below the paper level at which a pixel is ink.

    Returns
    -------
    (H, W) uint8 ndarray
        255 = darker than the local paper level by more than `offset`.
    """
    block = odd_px(block_mm, dpi)
    paper = (ink == 0).astype(np.float32)
    g = gray.astype(np.float32)
    total = cv2.boxFilter(cv2.multiply(g, paper), -1, (block, block), normalize=False,
                          borderType=cv2.BORDER_REFLECT)
    count = cv2.boxFilter(paper, -1, (block, block), normalize=False, borderType=cv2.BORDER_REFLECT)
    # g < total / count - offset, without the division; count 0 (all ink) marks nothing
    return cv2.compare(cv2.multiply(g, count), cv2.scaleAdd(count, -float(offset), total), cv2.CMP_LT)


def ink_masks(image: np.ndarray, dpi: float, settings: BinarizeSettings) -> tuple[np.ndarray, np.ndarray]:
    """The ink mask of :func:`binarize` and the faint ink it misses.

    Returns
    -------
    mask : (H, W) uint8 ndarray
        As :func:`binarize` (255 = ink).
    faint : (H, W) uint8 ndarray
        255 where a pixel is not in `mask` but is darker than the local paper
        level by more than ``ruling_offset`` (:func:`paper_mask`): faded gray
        ruling beside dense text, also the halo of text strokes. Line
        detection keeps only its long runs (:func:`layout.lines.detect_lines`);
        all zero when ``ruling_offset`` is 0.
    """
    gray = _smoothed_gray(image, dpi, settings)
    mask = _threshold(gray, dpi, settings)
    if settings.ruling_offset <= 0:
        return mask, np.zeros_like(mask)
    faint = paper_mask(gray, mask, dpi, settings.block_mm, settings.ruling_offset)
    return mask, cv2.bitwise_and(faint, cv2.bitwise_not(mask))
