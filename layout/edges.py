"""Dark scanner borders: the lid or platen beyond the paper, and its shadow.

A page scanned askew on a flatbed shows the dark lid beyond the paper edge
and a soft shadow along it. Neither is ink: left in, the lid's straight edge
passes for a ruling line, its mass pulls the adaptive threshold, and it
biases the deskew. :func:`paper_mask` finds the paper as what remains when
the dark regions touching the image border are taken away (lid level is far
below any paper), shrunk by the shadow's width; :func:`clear_scanner_edges`
paints everything outside it paper white.
"""
from __future__ import annotations

import cv2
import numpy as np

from .settings import ScanEdgeSettings, mm_to_px

__all__ = ["paper_mask", "paper_fill", "clear_scanner_edges"]


def paper_mask(gray: np.ndarray, dpi: float, settings: ScanEdgeSettings) -> np.ndarray | None:
    """The paper of a scan, or None when no dark border is there.

    Parameters
    ----------
    gray : (H, W) uint8 ndarray
        Page at `dpi`, 0 black … 255 white.
    dpi : float
    settings : ScanEdgeSettings
        Uses ``analysis_dpi``, ``max_lid_level``, ``min_lid_fraction`` and
        ``shadow_mm``.

    Returns
    -------
    (H, W) bool ndarray or None
        True on the paper (the shadow band along its edge excluded); None
        when the dark area touching the border is below ``min_lid_fraction``
        of the image (a clean scan: nothing to clear).
    """
    h, w = gray.shape
    scale = min(1.0, settings.analysis_dpi / dpi)
    small = cv2.resize(gray, (max(1, round(w * scale)), max(1, round(h * scale))),
                       interpolation=cv2.INTER_AREA) if scale < 1.0 else gray
    small_dpi = dpi * scale
    dark = (small <= settings.max_lid_level).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=4)
    if n <= 1:
        return None
    sh, sw = small.shape
    x, y = stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_TOP]
    bw, bh = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    touches = (x == 0) | (y == 0) | (x + bw == sw) | (y + bh == sh)
    lid_ids = np.nonzero(touches)[0] + 1
    lid = np.isin(labels, lid_ids)
    if lid.mean() < settings.min_lid_fraction:
        return None
    shadow = 2 * max(1, round(mm_to_px(settings.shadow_mm, small_dpi))) + 1
    lid = cv2.dilate(lid.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (shadow, shadow)))
    paper = cv2.resize(1 - lid, (w, h), interpolation=cv2.INTER_NEAREST)
    return paper.astype(bool)


def paper_fill(image: np.ndarray, paper: np.ndarray, dpi: float, settings: ScanEdgeSettings) -> np.ndarray:
    """A smooth continuation of the paper's level over the whole image.

    Normalised convolution with a Gaussian of σ = ``fill_mm`` (computed at
    ``analysis_dpi``, then resized back): each pixel takes the weighted mean
    of the paper around it, nearer paper weighing more, so the fill meets
    the paper without a step and varies as slowly as the light.

    Parameters
    ----------
    image : (H, W[, 3]) uint8 ndarray
    paper : (H, W) bool ndarray
    dpi : float
    settings : ScanEdgeSettings

    Returns
    -------
    ndarray, like `image`
    """
    h, w = paper.shape
    scale = min(1.0, settings.analysis_dpi / dpi)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    # the paper's share of each reduced pixel, from a uint8 mask (a float copy of
    # a 300-dpi page is 35 MB)
    weight = cv2.resize(paper.view(np.uint8) * np.uint8(255), size,
                        interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    sigma = mm_to_px(settings.fill_mm, dpi * scale)
    den = cv2.GaussianBlur(weight, (0, 0), sigma)
    if small.ndim == 3:
        weight, den = weight[..., None], den[..., None]
    num = cv2.GaussianBlur(small * weight, (0, 0), sigma)
    if num.ndim == 2 and small.ndim == 3:
        num = num[..., None]
    level = num / np.maximum(den, 1e-4)
    far = np.broadcast_to(den <= 1e-4, level.shape)
    if far.any():  # no paper within reach: the paper's median level
        level = np.where(far, np.median(image[paper], axis=0), level)
    level = np.clip(level, 0, 255).astype(np.uint8).reshape(size[1], size[0], *image.shape[2:])
    # enlarged as uint8: the level varies as slowly as the light, so rounding
    # before the interpolation moves it by at most one grey level
    return cv2.resize(level, (w, h), interpolation=cv2.INTER_LINEAR).reshape(image.shape)


def clear_scanner_edges(image: np.ndarray, dpi: float, settings: ScanEdgeSettings) -> np.ndarray:
    """The page with the lid and the shadow beyond the paper painted paper white.

    Parameters
    ----------
    image : (H, W, 3) or (H, W) uint8 ndarray
        Page at `dpi`.
    dpi : float
    settings : ScanEdgeSettings

    Returns
    -------
    ndarray
        `image` itself when there is no dark border (or ``enabled`` is
        False), else a copy whose pixels off the paper take the level of
        the paper nearby (:func:`paper_fill`): a flat fill would leave a step
        at the border of the cleared band where the light falls off towards
        the edge, and a step passes for a line.
    """
    if not settings.enabled:
        return image
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    paper = paper_mask(gray, dpi, settings)
    if paper is None or not paper.any():
        return image
    out = paper_fill(image, paper, dpi, settings)
    cv2.copyTo(image, paper.view(np.uint8), out)  # the paper itself unchanged
    return out
