"""Grayscale without red seals, then an adaptive threshold scaled to the dpi."""
from __future__ import annotations

import cv2
import numpy as np

from .settings import BinarizeSettings, mm_to_px, odd_px

__all__ = ["to_gray", "binarize"]


def to_gray(image: np.ndarray, red_gain: float) -> np.ndarray:
    """Grayscale in which red ink (official seals) turns to paper white.

    Each pixel's luminance is raised by ``red_gain · max(0, R − max(G, B))``,
    so saturated red (a seal, also where it only tints the paper) becomes
    white while black or gray ink, even under the seal, stays dark.

    Parameters
    ----------
    image : (H, W, 3) uint8 ndarray or (H, W) uint8 ndarray
        BGR page image (a 2-D image is returned as is).
    red_gain : float
        Gray levels added per level of redness; 0 gives the plain luminance.

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
    lift = cv2.convertScaleAbs(redness, alpha=red_gain)
    return cv2.add(gray, lift)  # saturating at 255


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
    gray = to_gray(image, settings.red_gain)
    sigma = mm_to_px(settings.blur_mm, dpi)
    if sigma > 0:
        gray = cv2.GaussianBlur(gray, (0, 0), sigma)
    block = odd_px(settings.block_mm, dpi)
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 block, settings.offset)
